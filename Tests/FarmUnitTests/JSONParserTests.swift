import Testing
@testable import Farm

@Suite struct JSONParserTests {
    @Test func keepsKeyOrderAndTypes() throws {
        let value = try JSONParser.parseOne(Array(#"{"b": 1, "a": 2.5, "c": "x", "d": true, "e": null, "f": [1, {"g": 2}]}"#.utf8))
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["b", "a", "c", "d", "e", "f"])
        #expect(members[0].value == .integer(1))
        #expect(members[1].value == .real(2.5))
        #expect(members[5].value.jsonText == #"[1,{"g":2}]"#)
    }

    @Test func acceptsPythonNaNAndInfinity() throws {
        let value = try JSONParser.parseOne(Array(#"{"a": NaN, "b": Infinity, "c": -Infinity}"#.utf8))
        let row = try ResultRow(json: value)
        #expect(row.values == [.null, .real(.infinity), .real(-.infinity)])
    }

    @Test func rejectsDuplicateKeysInSmallAndBigObjects() throws {
        #expect(throws: JSONError.self) { try JSONParser.parseOne(Array(#"{"a": 1, "a": 2}"#.utf8)) }
        // Past the first keys duplicates are found through a set: both ways, early and late keys.
        let keys = (0..<100).map { "\"k\($0)\": \($0)" }
        let big = keys.joined(separator: ", ")
        for duplicate in ["k0", "k31", "k32", "k99"] {
            #expect(throws: JSONError.self) { try JSONParser.parseOne(Array("{\(big), \"\(duplicate)\": 1}".utf8)) }
        }
        let value = try JSONParser.parseOne(Array("{\(big)}".utf8))
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.count == 100 && members.last?.key == "k99")
    }

    @Test func rejectsIntegersBeyond64Bits() {
        do {
            _ = try JSONParser.parseOne(Array(#"{"a": 123456789012345678901234}"#.utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("does not fit in 64 bits"))
        }
    }

    @Test func rejectsInvalidUTF8AndTruncation() {
        #expect(throws: JSONError.self) { try JSONParser.parseOne([0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D]) }
        #expect(throws: JSONError.self) { try JSONParser.parseOne(Array(#"{"a": 1"#.utf8)) }
        #expect(throws: JSONError.self) { try JSONParser.parseOne(Array(#"{"a": 1} {"b": 2}"#.utf8)) }
        #expect(throws: JSONError.self) { try JSONParser.parseOne([]) }
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parseOne(Array(#"["a\"b\\c\n", "\u00e9\ud83d\ude00"]"#.utf8))
        #expect(value == .array([.string("a\"b\\c\n"), .string("é😀")]))
    }

    @Test func parsesStreamsOfObjects() throws {
        let values = try JSONParser.parseStream(Array("{\"a\": 1}\n{\"a\": 2}\n\n{\n  \"a\": 3\n}\n".utf8))
        #expect(values.count == 3)
    }

    @Test func nestingDepthIsBounded() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONError.self) { try JSONParser.parseOne(Array(deep.utf8)) }
    }
}
