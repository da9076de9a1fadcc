import Foundation
import GRDB
import Testing
@testable import Farm

/// Sampled parameters: Sobol points as SciPy draws them, seeded random points, distributions
/// mapped from the unit cube, points that keep their identity when `samples` grows, bad input.
@Suite struct SamplingTests {
    @Test(.enabled(if: TestPython.available, "needs the test venv with SciPy: bash scripts/test-venv.sh"))
    func sobolPointsEqualSciPysForOneToTenDimensions() throws {
        let n = 1024
        let r = try runProcess([TestPython.path, "-c", """
            import sys
            from scipy.stats import qmc
            for d in range(1, 11):
                for row in qmc.Sobol(d, scramble=False).random(int(sys.argv[1])):
                    print(" ".join(repr(float(x)) for x in row))
            """, String(n)])
        #expect(r.status == 0, "\(r.stderr)")
        var lines = r.stdout.split(separator: "\n")[...]
        for d in 1...10 {
            let ours = try SamplePoints.unitPoints(.sobol, dimensions: d, count: n, seed: 0)
            let theirs = lines.prefix(n).map { $0.split(separator: " ").map { Double($0)! } }
            lines = lines.dropFirst(n)
            #expect(ours == theirs, "dimension \(d): first difference at point \(ours.indices.first { ours[$0] != theirs[$0] } ?? -1)")
        }
    }

    @Test func everyProjectionOfTwoToTheKSobolPointsHasOnePointPerInterval() throws {
        for k in [1, 4, 8, 10] {
            let n = 1 << k
            let points = try SamplePoints.unitPoints(.sobol, dimensions: 12, count: n, seed: 0)
            for d in 0..<12 {
                let cells = Set(points.map { Int(($0[d] * Double(n)).rounded(.down)) })
                #expect(cells.count == n, "n = \(n), dimension \(d + 1)")
            }
        }
    }

    @Test func randomPointsDependOnTheSeedAndKeepTheirIndex() throws {
        let a = try SamplePoints.unitPoints(.random, dimensions: 3, count: 10, seed: 1)
        let longer = try SamplePoints.unitPoints(.random, dimensions: 3, count: 20, seed: 1)
        #expect(Array(longer.prefix(10)) == a)
        #expect(try SamplePoints.unitPoints(.random, dimensions: 3, count: 10, seed: 2) != a)
        #expect(a.joined().allSatisfy { $0 >= 0 && $0 < 1 })
        // Pinned: a change here would change every random sweep's points.
        let first: UInt64 = 0xE220_A839_7B1D_CDAF  // SplitMix64's first output for seed 0
        #expect(SamplePoints.random(seed: 0, draw: 0) == Double(first >> 11) * 0x1p-53)
    }

    @Test func distributionsMapTheUnitIntervalOntoTheirRange() throws {
        #expect(Distribution.logUniform(1e-4, 1e-1).value(at: 0) == .real(1e-4))
        #expect(Distribution.uniform(-1, 3).value(at: 0.5) == .real(1))
        let dice = (0..<600).map { Distribution.randomInteger(1, 6).value(at: Double($0) / 600) }
        #expect(Set(dice) == Set((1...6).map { ParameterValue.integer($0) }))
        #expect(Distribution.choice([.text("relu"), .text("tanh")]).value(at: 0.75) == .text("tanh"))
        let whole = Distribution.randomInteger(.min, .max)
        #expect(whole.value(at: 0) == .integer(.min) && whole.value(at: 0.5) == .integer(0))
        guard case let .integer(top) = whole.value(at: 1.0.nextDown) else { Issue.record("not an integer"); return }
        #expect(top > .max - 4096)  // a Double's 53 bits do not reach every one of 2^64 values
        #expect(try Distribution.parse("choice(relu, 3, 0.5)", parameter: "a") == .choice([.text("relu"), .integer(3), .real(0.5)]))
        #expect(try Distribution.parse("relu", parameter: "a") == nil)
    }

    @Test func aSampledSweepCrossesItsPointsWithTheGridThenWhereThenReplicates() throws {
        let spec = try SweepSpec.parse(yaml: """
            command: [echo, "{lr}", "{a}", "{e}"]
            method: sobol
            samples: 4
            parameters:
              lr: loguniform(1e-4, 1e-1)
              a: [relu, tanh]
              e: randint(1, 8)
            where: a == "relu" or e > 2
            replicates: 2
            """)
        let sweep = try Sweep(spec)
        #expect(sweep.points.count == 4)
        let expected = [("relu", 0), ("relu", 1), ("relu", 2), ("relu", 3), ("tanh", 0), ("tanh", 1), ("tanh", 2), ("tanh", 3)]
            .filter { a, p in a == "relu" || (sweep.points[p][1].number ?? 0) > 2 }
        #expect(sweep.combinations.map { [$0[1]] + [$0[0], $0[2]] } == expected.map { a, p in [.text(a)] + sweep.points[p] })
        #expect(sweep.taskCount == expected.count * 2)
    }

    @Test func raisingSamplesAddsPointsAndKeepsEveryDoneTask() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let job = ["/bin/sh", "-c", #"echo "{\"loss\": $0}""#, "{lr}"]
        func run(_ samples: Int) throws -> ProcessResult {
            try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "--progress", "0", "-p", "lr=loguniform(1e-4,1e-1)", "-p", "b=1,2",
                            "--method", "sobol", "--samples", String(samples), "--"] + job)
        }
        #expect(try run(8).status == 0)
        let first: [Int64] = try DatabaseQueue(path: db).read { try Int64.fetchAll($0, sql: "SELECT task_id FROM results ORDER BY task_id") }
        #expect(first.count == 16)
        let more = try run(16)
        #expect(more.status == 0, "\(more.stderr)")
        #expect(more.stderr.contains("32 tasks, 16 done"), "\(more.stderr)")
        #expect(try scalar(db, "SELECT count(*) FROM results") == 32)
        #expect(try scalar(db, "SELECT count(DISTINCT lr) FROM results") == 16)
        #expect(try scalar(db, "SELECT count(*) FROM results WHERE typeof(lr) = 'real' AND loss = lr") == 32)
        #expect(try scalar(db, "SELECT count(*) FROM farm_attempt") == 32)  // the first 16 ran once
        let status = try runProcess([Binaries.farmrun, "status", "--db", db, "--by", "b"])
        #expect(status.status == 0 && status.stdout.contains("16/16"), "\(status.stdout)")
    }

    @Test func badSamplingInputIsOneClearLineAndRunsNothing() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let cases: [([String], String)] = [
            (["-p", "lr=loguniform(1e-4,1e-1)"], "which the grid cannot enumerate; add method: sobol"),
            (["-p", "lr=uniform(2,1)", "--method", "sobol", "--samples", "4"], "needs a < b"),
            (["-p", "lr=uniform(1,1)", "--method", "sobol", "--samples", "4"], "has one value only; write it as a plain value (lr: 1)"),
            (["-p", "lr=loguniform(0,1)", "--method", "sobol", "--samples", "4"], "loguniform needs 0 < a"),
            (["-p", "lr=randint(1.5,3)", "--method", "sobol", "--samples", "4"], "randint takes two whole numbers"),
            (["-p", "lr=uniform(0,1)", "--method", "sobol", "--samples", "0"], "--samples must be at least 1"),
            (["-p", "lr=uniform(0,1)", "--method", "sobol"], "needs samples: N"),
            (["-p", "lr=uniform(0,1)", "--method", "sobol", "--samples", "60000000"], "60000000 samples × 1 grid combinations"),
            (["-p", "lr=uniform(0,1)", "--method", "halton", "--samples", "4"], "method \"halton\" is unknown"),
            (["-p", "lr=gauss(0,1)", "--method", "sobol", "--samples", "4"], "unknown distribution \"gauss\""),
            (["-p", "x=1,2", "--method", "random", "--samples", "4"], "no parameter is one"),
            (["-p", "x=1,2", "-p", "lr=uniform(0,1)", "--method", "sobol", "--samples", "30000000"], "more than 50,000,000 combinations"),
        ]
        for (arguments, says) in cases {
            let r = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "1"] + arguments + ["--", "echo", "x"])
            #expect(r.status == 64, "\(arguments): \(r.stderr)")
            #expect(r.stderr.contains(says) && r.stderr.split(separator: "\n").count == 1, "\(arguments): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: db))
        // Beyond the direction numbers' dimensions.
        let many = (0...SobolDirections.dimensions).map { "-p x\($0)=uniform(0,1)" }.joined(separator: " ").split(separator: " ").map(String.init)
        let r = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "1", "--method", "sobol", "--samples", "2"] + many + ["--", "echo"])
        #expect(r.status == 64 && r.stderr.contains("direction numbers hold \(SobolDirections.dimensions) dimensions"), "\(r.stderr)")
    }
}
