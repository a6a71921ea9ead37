/// Documentation of `/assets`.
enum AssetOperations {
    static let role = Schema.oneOf(AssetRole.allCases.map(\.rawValue))
    static let image: JSONValue = ["type": "string", "format": "binary"]

    static let asset = Schema.record([
        "id": Schema.uuid, "kind": Schema.oneOf(["png", "jpeg", "webp"]), "content_type": Schema.string, "size_bytes": Schema.integer,
        "width": Schema.integer, "height": Schema.integer, "sha256": Schema.string(min: 64, max: 64), "role": Schema.nullable(role),
        "name": Schema.nullable(Schema.string), "tags": Schema.array(Schema.string), "campaign_id": Schema.nullable(Schema.uuid),
        "source_url": Schema.nullable(Schema.string), "created_by": Schema.nullable(Schema.uuid), "created_at": Schema.dateTime,
        "content_url": Schema.string,
    ])

    static let all: [APIOperation] = [
        APIOperation("GET", "/api/v1/assets", "List images, newest first", tag: "assets",
                     query: [.init("role", role), "tag", .uuid("campaign_id")] + QueryParameter.page, returns: Schema.page(of: asset),
                     responses: [200: "A page of assets", 400: "Bad filter, cursor or limit"]),
        APIOperation("POST", "/api/v1/assets",
                     "Upload an image: the raw bytes (Content-Type image/png, image/jpeg or image/webp; role, name, tags, campaign_id in the query) or multipart/form-data field `file` with those fields beside it. The type is read from the bytes.",
                     tag: "assets",
                     bodyContent: ["image/png": image, "image/jpeg": image, "image/webp": image,
                                   "multipart/form-data": Schema.object(["file": image, "role": role, "name": Schema.text(200), "tags": Schema.string(max: 2000),
                                                                         "campaign_id": Schema.uuid], required: ["file"])],
                     query: [.init("role", role), .init("name", Schema.text(200)), .init("tags", Schema.string(max: 2000)), .uuid("campaign_id")],
                     returns: asset,
                     responses: [201: "Stored", 200: "The team already had these bytes: the existing asset", 403: "Viewers cannot upload",
                                 413: "Larger than the upload limit; nothing stored", 415: "Not a PNG, JPEG or WebP image",
                                 422: "Damaged image, too many pixels or bad metadata"]),
        APIOperation("POST", "/api/v1/assets/import", "Fetch an image from an https URL (public addresses only) and keep it", tag: "assets",
                     body: Schema.object(["url": Schema.string(min: 1, max: 2000), "role": role, "name": Schema.text(200),
                                          "tags": CampaignOperations.tags, "campaign_id": Schema.uuid], required: ["url"]),
                     returns: asset,
                     responses: [201: "Stored", 200: "The team already had these bytes", 403: "Viewers cannot import", 413: "Too large",
                                 415: "Not a PNG, JPEG or WebP image",
                                 422: "URL refused (scheme, private address, redirect to one) or damaged image", 502: "The server failed", 504: "Too slow"]),
        APIOperation("GET", "/api/v1/assets/{id}", "One asset's metadata", tag: "assets", returns: asset, responses: [200: "The asset", 404: "No such asset in this team"]),
        APIOperation("GET", "/api/v1/assets/{id}/content", "The image bytes (ETag, Cache-Control, Range)", tag: "assets", produces: ["image/png", "image/jpeg", "image/webp"],
                     responses: [200: "The image", 206: "Part of it", 304: "Not modified", 404: "No such asset in this team", 416: "Range outside the file"]),
        APIOperation("DELETE", "/api/v1/assets/{id}", "Delete an image no generation uses", tag: "assets",
                     responses: [204: "Deleted", 403: "Viewers cannot delete", 404: "No such asset in this team", 409: "A generation uses it"]),
    ]
}
