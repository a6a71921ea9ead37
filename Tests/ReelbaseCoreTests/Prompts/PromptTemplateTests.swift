import Testing
@testable import ReelbaseCore

@Suite struct PromptTemplateTests {
    @Test func listsVariablesInOrderOfFirstUseWithoutDuplicates() {
        let t = PromptTemplate("A {{subject}} in {{ style }}, {{subject}} again, {{\tcamera.lens-1\n}}")
        #expect(t.variables == ["subject", "style", "camera.lens-1"])
    }

    @Test func rendersAndIgnoresUnusedValues() throws {
        let t = PromptTemplate("A {{subject}} walking in {{ place }}.")
        let out = try t.render(["subject": "fox", "place": "snow", "unused": "x"])
        #expect(out == "A fox walking in snow.")
    }

    @Test func reportsEveryMissingVariableSortedAtOnce() {
        let t = PromptTemplate("{{zeta}} {{alpha}} {{mid}} {{alpha}} {{given}}")
        #expect(throws: MissingVariablesError(names: ["alpha", "mid", "zeta"])) {
            try t.render(["given": "ok"])
        }
        let error = MissingVariablesError(names: ["alpha", "zeta"])
        #expect(error.description == "missing prompt variables: alpha, zeta")
    }

    @Test(arguments: [
        "{{ }}", "{{}}", "{{1abc}}", "{{a b}}", "{{name", "{{name}", "{ {name}}", "{{na$me}}",
        "{{-x}}", "json: {{\"k\": 1}}", "}}{{", "{{é}}",
    ])
    func invalidPlaceholdersStayLiteral(text: String) throws {
        let t = PromptTemplate(text)
        #expect(t.variables.isEmpty)
        #expect(try t.render([:]) == text)
    }

    @Test func tripleBracesKeepTheOuterBraces() throws {
        #expect(try PromptTemplate("{{{x}}}").render(["x": "v"]) == "{v}")
    }

    @Test func valuesAreNotRescanned() throws {
        let t = PromptTemplate("{{a}} and {{b}}")
        #expect(try t.render(["a": "{{b}}", "b": "B"]) == "{{b}} and B")
    }

    @Test func multiByteTextSurvives() throws {
        let t = PromptTemplate("🎬 «{{scène_1}}» — {{x}}👋🏽")
        #expect(t.variables == ["x"])  // "scène_1" is not ASCII, so it stays literal
        #expect(try t.render(["x": "ok"]) == "🎬 «{{scène_1}}» — ok👋🏽")
    }

    @Test func emptyAndPlainTexts() throws {
        #expect(try PromptTemplate("").render([:]) == "")
        #expect(try PromptTemplate("no placeholders").render(["a": "b"]) == "no placeholders")
    }

    @Test func segmentsExposeTheParse() {
        #expect(PromptTemplate("a{{b}}c").segments == [.literal("a"), .variable("b"), .literal("c")])
    }
}
