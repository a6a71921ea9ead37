import Foundation
import Testing
@testable import Reelbase

/// The document's own rules; schemathesis (Tests/contract/run.sh) checks the answers against it.
@Suite struct OpenAPIContractTests {
    @Test func everyJSONSuccessAnswerHasASchema() {
        let missing = OpenAPIDocument.operations.filter { operation in
            operation.responses.keys.contains { (200..<300).contains($0) && $0 != 204 }
                && operation.produces.contains { $0.hasPrefix("application/json") } && operation.returns == nil
        }.map { "\($0.method) \($0.path)" }
        #expect(missing.isEmpty, "declare `returns:` for \(missing)")
    }

    @Test func queryParametersCarryTheirTypes() {
        for operation in OpenAPIDocument.operations {
            for parameter in operation.queryParameters {
                let where_ = "\(operation.method) \(operation.path) ?\(parameter.name)"
                if parameter.name == "limit" { #expect(parameter.schema == Schema.integer(1...200), "\(where_)") }
                // Object ids are UUIDs; an event id is a sequence number.
                if parameter.name.hasSuffix("_id") && parameter.name != "last_event_id" { #expect(parameter.schema == Schema.uuid, "\(where_)") }
                if ["since", "until"].contains(parameter.name) && operation.path != "/api/v1/spend" {
                    #expect(parameter.schema == Schema.dateTime, "\(where_)")
                }
            }
        }
    }

    @Test func aRecordRequiresWhatSwiftAlwaysEncodes() {
        let schema = Schema.record(["id": Schema.uuid, "note": Schema.nullable(Schema.string), "role": Schema.nullable(Schema.oneOf(["a"]))])
        guard case .object(let fields) = schema else { Issue.record("not an object"); return }
        #expect(fields["required"] == ["id"])
        guard case .object(let properties)? = fields["properties"], case .object(let role)? = properties["role"] else { Issue.record("no role"); return }
        #expect(role["enum"] == ["a", .null])
    }

    @Test func everyAnswerIsDocumentedWithItsBody() {
        let json = OpenAPIDocument.build()
        guard case .object(let root) = json, case .object(let paths)? = root["paths"] else { Issue.record("no paths"); return }
        guard case .object(let item)? = paths["/api/v1/campaigns/{id}"], case .object(let get)? = item["get"],
              case .object(let responses)? = get["responses"], case .object(let ok)? = responses["200"],
              case .object(let notFound)? = responses["404"], case .object(let unauthenticated)? = responses["401"] else {
            Issue.record("GET /campaigns/{id} lacks 200, 401 or 404"); return
        }
        #expect(ok["content"] == ["application/json": ["schema": CampaignOperations.campaign]])
        #expect(notFound["content"] == ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]])
        #expect(unauthenticated["content"] == notFound["content"])
    }
}
