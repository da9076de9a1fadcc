import Testing
@testable import Farm

@Suite struct SweepTests {
    @Test func bashStyleRangeIsInclusiveWithStep() throws {
        let values = try #require(try ParameterDomain.range("25..400..25", name: "e"))
        #expect(values.count == 16)
        #expect(values.first == .integer(25))
        #expect(values.last == .integer(400))
    }

    @Test func realRangesDoNotDrift() throws {
        let values = try #require(try ParameterDomain.range("0.1..0.5..0.1", name: "lr"))
        #expect(values.map(\.description) == ["0.1", "0.2", "0.3", "0.4", "0.5"])
    }

    @Test func zeroStepAndEmptyRangeAreErrors() {
        #expect(throws: SweepError.self) { try ParameterDomain.range("1..10..0", name: "x") }
        #expect(throws: SweepError.self) { try ParameterDomain.range("10..1..1", name: "x") }
    }

    @Test func rangesAtTheEdgesOfTheNumbersAreValuesOrOneClearError() throws {
        let ends = try #require(try ParameterDomain.range("-9223372036854775808..9223372036854775807..9223372036854775807", name: "x"))
        #expect(ends == [.integer(.min), .integer(-1), .integer(.max - 1)])
        #expect(try ParameterDomain.range("9223372036854775800..9223372036854775807..5", name: "x") == [.integer(.max - 7), .integer(.max - 2)])
        for text in ["-9223372036854775808..9223372036854775807", "0..1..1e-300", "0..1e400", "nan..1", "1..10..inf"] {
            #expect(throws: SweepError.self, "\(text)") { try ParameterDomain.range(text, name: "x") }
        }
    }

    @Test func seedSweepHasTheSeedsTaskCount() throws {
        // The seed's loops: e in 25..400..25, t in 20..100..10, s in 10..100..10, skip s >= t, 10 replicates.
        let spec = try SweepSpec.parse(yaml: """
            command: [python3, mlp.py, -e, "{e}", -t, "{t}", -s, "{s}"]
            table: AlgorithmResult
            parameters:
              e: 25..400..25
              t: 20..100..10
              s: 10..100..10
            where: s < t
            replicates: 10
            """)
        let sweep = try Sweep(spec)
        var expected = 0
        for _ in stride(from: 25, through: 400, by: 25) {
            for t in stride(from: 20, through: 100, by: 10) {
                for s in stride(from: 10, through: 100, by: 10) where s < t { expected += 1 }
            }
        }
        #expect(sweep.combinations.count == expected)
        #expect(sweep.taskCount == expected * 10)
        #expect(sweep.argv(of: 0, taskID: 1) == ["python3", "mlp.py", "-e", "25", "-t", "20", "-s", "10"])
    }

    @Test func placeholdersRenderAndOtherBracesStayLiteral() throws {
        let template = try CommandTemplate(["job", "{x}", #"{"a": 1}"#, "{{x}}", "r{replicate}-t{task}"], parameters: ["x"])
        let argv = template.render { name in ["x": "5", "replicate": "2", "task": "9"][name]! }
        #expect(argv == ["job", "5", #"{"a": 1}"#, "{x}", "r2-t9"])
    }

    @Test func unknownPlaceholderIsAnError() {
        #expect(throws: SweepError.self) { try CommandTemplate(["job", "{epochs}"], parameters: ["e"]) }
    }

    @Test func shellMetacharactersReachTheJobLiterally() throws {
        let spec = SweepSpec(command: ["echo", "{v}"], parameters: [try ParameterDomain(name: "v", values: [.text("$(rm -rf ~)"), .text("; reboot")])])
        let sweep = try Sweep(spec)
        #expect(sweep.argv(of: 0, taskID: 1) == ["echo", "$(rm -rf ~)"])
        #expect(sweep.argv(of: 1, taskID: 2) == ["echo", "; reboot"])
    }

    @Test func whereSupportsArithmeticAndLogic() throws {
        let c = try Constraint("e % 50 == 0 and not (a == 'relu' or n > 5)", parameters: ["e", "a", "n"])
        let values: [String: ParameterValue] = ["e": .integer(100), "a": .text("linear"), "n": .integer(5)]
        #expect(try c.accepts { values[$0]! })
    }

    @Test func badWhereIsAnErrorBeforeAnythingRuns() {
        #expect(throws: SweepError.self) { try Constraint("s <", parameters: ["s"]) }
        #expect(throws: SweepError.self) { try Constraint("q < 3", parameters: ["s"]) }
        #expect(throws: SweepError.self) { try Constraint("1 < 2", parameters: ["s"]) }
        #expect(throws: SweepError.self) { try Constraint("s < 'x'", parameters: ["s"]).accepts { _ in .integer(1) } }
    }

    @Test func taskKeyIgnoresParameterOrderAndCommand() throws {
        let a = try Sweep(SweepSpec(command: ["a"], parameters: [try ParameterDomain(option: "x=1"), try ParameterDomain(option: "y=b")]))
        let b = try Sweep(SweepSpec(command: ["b", "{x}"], parameters: [try ParameterDomain(option: "y=b"), try ParameterDomain(option: "x=1")]))
        #expect(a.key(of: 0) == b.key(of: 0))
    }

    @Test func sweepFileErrorsNameTheProblem() {
        let cases = [
            "command: python3 job.py\nparameters: {x: [1]}",
            "command: [job]\nparameters: {x: [1]}\nreplicates: ten",
            "command: [job]\nparameters: [1, 2]",
            "command: [job]\nparameters: {x: [1]}\nrepliactes: 3",
            "command: [job, \"{x}\"]\nparameters: {x: 1..10..0}",
            "command: [job]\nparameters: {x: []}",
            "command: [job]\nparameters: {x: [1]}\ntimeout: soon",
            "::: not yaml",
        ]
        for yaml in cases {
            #expect(throws: SweepError.self, "\(yaml)") { try Sweep(try SweepSpec.parse(yaml: yaml)) }
        }
    }

    @Test func durationsParseAsUsersWriteThem() throws {
        #expect(try DurationText.seconds("30m", what: "t") == 1800)
        #expect(try DurationText.seconds("1h30m", what: "t") == 5400)
        #expect(try DurationText.seconds("01:00:05", what: "t") == 3605)
        #expect(try DurationText.seconds("90", what: "t") == 90)
    }
}
