import Foundation
import Hummingbird
import ReelbaseCore

/// Labels, diffs and rendering for a prompt's versions.
struct PromptToolsController {
    let prompts: PromptRepository
    let labels: PromptLabelRepository

    func addRoutes(to gates: Gates) {
        gates.viewer.get("prompts/:id/labels", use: listLabels).get("prompts/:id/diff", use: diff)
        gates.viewer.post("prompts/:id/render", use: render)
        gates.editor.put("prompts/:id/labels/:name", use: moveLabel).delete("prompts/:id/labels/:name", use: removeLabel)
    }

    struct MoveLabel: Decodable { let version: Int }

    @Sendable func listLabels(_ request: Request, context: ViewerContext) async throws -> Page<PromptLabel> {
        let identity = context.identity
        guard let found = try await labels.labels(team: identity.teamID, prompt: try context.pathID("id", "prompt")) else {
            throw AppError.notFound("prompt")
        }
        return Page(data: found, next_cursor: nil)
    }

    @Sendable func moveLabel(_ request: Request, context: EditorContext) async throws -> PromptLabel {
        let identity = context.identity
        let id = try context.pathID("id", "prompt")
        let name = try PromptInput.labelName(context.parameters.get("name") ?? "")
        let body = try await request.decode(as: MoveLabel.self, context: context)
        do {
            return try await labels.move(team: identity.teamID, prompt: id, name: name, to: body.version, by: identity.userID,
                                         actor: AuditActor(identity, ip: context.clientIP))
        } catch PromptLabelRepository.MoveError.promptNotFound {
            throw AppError.notFound("prompt")
        } catch PromptLabelRepository.MoveError.versionNotFound {
            throw AppError.validation("This prompt has no version \(body.version).")
        }
    }

    @Sendable func removeLabel(_ request: Request, context: EditorContext) async throws -> Response {
        let identity = context.identity
        let id = try context.pathID("id", "prompt")
        let name = (context.parameters.get("name") ?? "").lowercased()
        guard try await labels.remove(team: identity.teamID, prompt: id, name: name, actor: AuditActor(identity, ip: context.clientIP)) else {
            throw AppError.notFound("label")
        }
        return Response(status: .noContent)
    }

    struct Diff: ResponseEncodable, Decodable {
        struct Line: Codable { let op: String; let text: String; let old_line: Int?; let new_line: Int? }
        struct Change: Codable { let from: JSONValue; let to: JSONValue }
        let prompt_id: UUID
        let from: Int
        let to: Int
        let changed_fields: [String]
        let lines: [Line]
        /// `diff -u` of the text; empty when equal.
        let unified: String
        let negative_prompt: Change?
        let default_params: Change?
    }

    /// `?from=&to=` take numbers or label names; by default the latest version against the one before.
    @Sendable func diff(_ request: Request, context: ViewerContext) async throws -> Diff {
        let identity = context.identity
        let id = try context.pathID("id", "prompt")
        guard let prompt = try await prompts.find(team: identity.teamID, id: id) else { throw AppError.notFound("prompt") }
        let toRef = request.query("to") ?? String(prompt.latest_version)
        guard let new = try await prompts.version(team: identity.teamID, prompt: id, reference: toRef) else { throw AppError.notFound("prompt version \(toRef)") }
        let fromRef = request.query("from") ?? String(max(1, new.version - 1))
        guard let old = try await prompts.version(team: identity.teamID, prompt: id, reference: fromRef) else { throw AppError.notFound("prompt version \(fromRef)") }
        let changed = PromptDiff.changedFields(from: old.content, to: new.content)
        let lines = PromptDiff.lines(from: old.text, to: new.text).map {
            Diff.Line(op: $0.op == .added ? "added" : $0.op == .removed ? "removed" : "context", text: $0.text, old_line: $0.oldLine, new_line: $0.newLine)
        }
        return Diff(prompt_id: id, from: old.version, to: new.version, changed_fields: changed.map(\.rawValue), lines: lines,
                    unified: PromptDiff.unified(from: old.text, to: new.text, oldLabel: "v\(old.version)", newLabel: "v\(new.version)"),
                    negative_prompt: changed.contains(.negativePrompt)
                        ? .init(from: old.negative_prompt.map(JSONValue.string) ?? .null, to: new.negative_prompt.map(JSONValue.string) ?? .null) : nil,
                    default_params: changed.contains(.defaultParams) ? .init(from: old.default_params, to: new.default_params) : nil)
    }

    struct RenderRequest: Decodable {
        let variables: [String: JSONValue]?
        /// A version number or label name; the latest version when left out.
        let version: String?

        enum CodingKeys: String, CodingKey { case variables, version }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            variables = try container.decodeIfPresent([String: JSONValue].self, forKey: .variables)
            if let number = try? container.decodeIfPresent(Int.self, forKey: .version) { version = String(number) }
            else { version = try container.decodeIfPresent(String.self, forKey: .version) }
        }
    }

    struct Rendered: ResponseEncodable, Decodable {
        let prompt_id: UUID
        let version: Int
        let text: String
        let negative_prompt: String?
        let default_params: JSONValue
    }

    @Sendable func render(_ request: Request, context: ViewerContext) async throws -> Rendered {
        let identity = context.identity
        let id = try context.pathID("id", "prompt")
        let body = try await request.decode(as: RenderRequest.self, context: context)
        var values: [String: String] = [:]
        for (name, value) in body.variables ?? [:] {
            switch value {
            case .string(let text): values[name] = text
            case .number(let number): values[name] = number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
            case .bool(let flag): values[name] = String(flag)
            default: throw AppError.validation("Variable `\(name)` must be a string, number or boolean.")
            }
        }
        let problems = PromptInput.variableProblems(values)
        guard problems.isEmpty else { throw AppError.validation("The variables are too many or too long.", details: problems) }
        guard let prompt = try await prompts.find(team: identity.teamID, id: id) else { throw AppError.notFound("prompt") }
        let reference = body.version ?? String(prompt.latest_version)
        guard let version = try await prompts.version(team: identity.teamID, prompt: id, reference: reference) else {
            throw AppError.notFound("prompt version \(reference)")
        }
        let text = PromptTemplate(version.text), negative = version.negative_prompt.map(PromptTemplate.init)
        let missing = Set(text.variables + (negative?.variables ?? [])).filter { values[$0] == nil }.sorted()
        guard missing.isEmpty else {
            throw AppError(.unprocessableContent, "missing_variables", "Missing prompt variables: \(missing.joined(separator: ", ")).",
                           details: ["missing": .array(missing.map(JSONValue.string))])
        }
        let rendered: String, renderedNegative: String?
        do { rendered = try PromptInput.render(text, values) } catch { throw PromptInput.tooLong("text") }
        do { renderedNegative = try negative.map { try PromptInput.render($0, values) } } catch { throw PromptInput.tooLong("negative_prompt") }
        return Rendered(prompt_id: id, version: version.version, text: rendered, negative_prompt: renderedNegative,
                        default_params: version.default_params)
    }
}
