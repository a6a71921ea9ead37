import Testing
@testable import ReelbaseCore

@Suite struct PromptRenderLimitTests {
    /// `{{a}}` × 4,000 with a 1 MiB value would be 4 GiB. The renderer looks the value up once
    /// for the missing-names check, then once per placeholder it writes, and stops at the first
    /// one that passes the limit: it never builds more than the limit.
    @Test func aRenderBombStopsAtTheLimitWithoutBuildingTheOutput() throws {
        let template = PromptTemplate(String(repeating: "{{a}}", count: 4000))
        let big = String(repeating: "x", count: 1 << 20)
        var lookups = 0
        #expect(throws: PromptTemplate.RenderError.tooLong(limit: 20_000)) {
            try template.render(maxCharacters: 20_000) { name in
                lookups += 1
                return name == "a" ? big : nil
            }
        }
        #expect(lookups == 2)

        let small = PromptTemplate(String(repeating: "{{a}}", count: 4000))
        var calls = 0
        #expect(throws: PromptTemplate.RenderError.tooLong(limit: 20_000)) {
            try small.render(maxCharacters: 20_000) { _ in calls += 1; return "0123456789" }
        }
        #expect(calls == 1 + 2001)  // 2,000 placeholders fit; the 2,001st passes the limit
    }

    @Test func withinTheLimitItRendersLikeTheUnboundedRenderer() throws {
        let template = PromptTemplate("a {{x}} and {{ y }} {{x}}")
        let values = ["x": "kite", "y": "sea"]
        #expect(try template.render(values, maxCharacters: 100) == (try template.render(values)))
        #expect(throws: PromptTemplate.RenderError.missing(["x", "y"])) { try template.render([:], maxCharacters: 100) }
        #expect(throws: PromptTemplate.RenderError.tooLong(limit: 10)) { try template.render(values, maxCharacters: 10) }
    }
}
