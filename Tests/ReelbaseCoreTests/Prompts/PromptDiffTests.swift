import Testing
@testable import ReelbaseCore

@Suite struct PromptDiffTests {
    @Test func equalTextsHaveNoChanges() {
        #expect(PromptDiff.lines(from: "a\nb\n", to: "a\nb\n").allSatisfy { $0.op == .context })
        #expect(PromptDiff.unified(from: "a\nb\n", to: "a\nb\n") == "")
        #expect(PromptDiff.lines(from: "", to: "").isEmpty)
    }

    @Test func changedLineIsRemovedThenAdded() {
        let lines = PromptDiff.lines(from: "a\nb\nc\n", to: "a\nB\nc\n")
        #expect(lines.map(\.op) == [.context, .removed, .added, .context])
        #expect(lines[1] == DiffLine(op: .removed, text: "b", oldLine: 2, newLine: nil))
        #expect(lines[2] == DiffLine(op: .added, text: "B", oldLine: nil, newLine: 2))
    }

    @Test func unifiedRendering() {
        let old = "one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\nnine\nten\n"
        let new = "one\ntwo\nTHREE\nfour\nfive\nsix\nseven\neight\nnine\nten\neleven\n"
        let expected = """
            --- v1
            +++ v2
            @@ -1,6 +1,6 @@
             one
             two
            -three
            +THREE
             four
             five
             six
            @@ -8,3 +8,4 @@
             eight
             nine
             ten
            +eleven

            """
        #expect(PromptDiff.unified(from: old, to: new, oldLabel: "v1", newLabel: "v2") == expected)
    }

    @Test func fromEmptyAndToEmpty() {
        #expect(PromptDiff.unified(from: "", to: "x\ny\n") == "--- a\n+++ b\n@@ -0,0 +1,2 @@\n+x\n+y\n")
        #expect(PromptDiff.unified(from: "x\n", to: "") == "--- a\n+++ b\n@@ -1 +0,0 @@\n-x\n")
    }

    @Test func missingFinalNewlineIsAChange() {
        let out = PromptDiff.unified(from: "a\nb", to: "a\nb\n")
        #expect(out == "--- a\n+++ b\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n")
    }

    @Test func crlfLinesKeepTheirCarriageReturn() {
        let lines = PromptDiff.lines(from: "a\r\nb\r\n", to: "a\r\nc\r\n")
        #expect(lines.map(\.text) == ["a\r", "b\r", "c\r"])
    }

    @Test func shortestEditScriptOnAClassicExample() {
        // Myers' paper: ABCABBA -> CBABAC has edit distance 5.
        let a = Array("ABCABBA"), b = Array("CBABAC")
        let script = MyersDiff.script(a, b)
        #expect(script.filter { $0 != .keep }.count == 5)
        // Replaying the script must rebuild b from a.
        var i = 0, j = 0, rebuilt: [Character] = []
        for e in script {
            switch e {
            case .keep: rebuilt.append(a[i]); i += 1; j += 1
            case .delete: i += 1
            case .insert: rebuilt.append(b[j]); j += 1
            }
        }
        #expect(rebuilt == b)
    }

    @Test func randomEditsAlwaysReplay() {
        var rng = SplitMix(seed: 42)
        for _ in 0..<200 {
            let a = (0..<Int(rng.next() % 12)).map { _ in "l\(rng.next() % 4)" }
            let b = (0..<Int(rng.next() % 12)).map { _ in "l\(rng.next() % 4)" }
            let lines = PromptDiff.lines(from: a.map { $0 + "\n" }.joined(), to: b.map { $0 + "\n" }.joined())
            #expect(lines.filter { $0.op != .added }.map(\.text) == a)
            #expect(lines.filter { $0.op != .removed }.map(\.text) == b)
        }
    }

    @Test func hugeUnrelatedTextsFallBackToReplaceAll() {
        let a = (0..<3_000).map { "a\($0)" }, b = (0..<3_000).map { "b\($0)" }
        let script = MyersDiff.script(a, b)
        #expect(script == MyersDiff.replaceAll(3_000, 3_000))
        // Below the cap the script stays minimal.
        #expect(MyersDiff.script(a, b, maxEdits: 6_000).count == 6_000)
        #expect(MyersDiff.script(a, a).allSatisfy { $0 == .keep })
    }

    @Test func changedFields() {
        let v1 = PromptVersionContent(text: "a", negativePrompt: "blur", defaultParamsJSON: #"{"seed": 1, "s": "a b"}"#)
        var v2 = v1
        #expect(PromptDiff.changedFields(from: v1, to: v2).isEmpty)
        v2.defaultParamsJSON = #"{ "seed":1,"s":"a b" }"#
        #expect(PromptDiff.changedFields(from: v1, to: v2).isEmpty)
        v2.defaultParamsJSON = #"{"seed": 1, "s": "ab"}"#
        v2.negativePrompt = nil
        #expect(PromptDiff.changedFields(from: v1, to: v2) == [.negativePrompt, .defaultParams])
        v2.text = "b"
        #expect(PromptDiff.changedFields(from: v1, to: v2).map(\.rawValue) == ["text", "negative_prompt", "default_params"])
    }
}

struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
