/// Documentation of `/assets`.
enum AssetOperations {
    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/assets", "List images, newest first", tag: "assets",
                     query: ["role", "tag", "campaign_id", "cursor", "limit"], responses: [200: "A page of assets", 400: "Bad filter, cursor or limit"]),
        APIOperation("POST", "/api/v1/assets",
                     "Upload an image: the raw bytes (Content-Type image/png, image/jpeg or image/webp; role, name, tags, campaign_id in the query) or multipart/form-data field `file` with those fields beside it. The type is read from the bytes.",
                     tag: "assets", query: ["role", "name", "tags", "campaign_id"],
                     responses: [201: "Stored", 200: "The team already had these bytes: the existing asset", 403: "Viewers cannot upload",
                                 413: "Larger than the upload limit; nothing stored", 415: "Not a PNG, JPEG or WebP image",
                                 422: "Damaged image, too many pixels or bad metadata"]),
        APIOperation("POST", "/api/v1/assets/import", "Fetch an image from an https URL (public addresses only) and keep it", tag: "assets",
                     body: Schema.object(["url": Schema.string, "role": Schema.oneOf(["reference", "first_frame", "last_frame"]), "name": Schema.string,
                                          "tags": Schema.array(Schema.string), "campaign_id": Schema.uuid], required: ["url"]),
                     responses: [201: "Stored", 200: "The team already had these bytes", 413: "Too large", 415: "Not a PNG, JPEG or WebP image",
                                 422: "URL refused (scheme, private address, redirect to one) or damaged image", 502: "The server failed", 504: "Too slow"]),
        APIOperation("GET", "/api/v1/assets/{id}", "One asset's metadata", tag: "assets", responses: [200: "The asset", 404: "No such asset in this team"]),
        APIOperation("GET", "/api/v1/assets/{id}/content", "The image bytes (ETag, Cache-Control, Range)", tag: "assets",
                     responses: [200: "The image", 206: "Part of it", 304: "Not modified", 404: "No such asset in this team", 416: "Range outside the file"]),
        APIOperation("DELETE", "/api/v1/assets/{id}", "Delete an image no generation uses", tag: "assets",
                     responses: [204: "Deleted", 404: "No such asset in this team", 409: "A generation uses it"]),
    ]
}
