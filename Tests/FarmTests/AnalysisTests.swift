import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Farm

/// `dbtool summary` and `dbtool plot` on real results databases, their numbers
/// checked against Python's `statistics` module on the same rows.
@Suite struct AnalysisTests {
    /// Groups with 1, 2, 5 and 10 replicates, a NULL and a text metric, values of mixed sign.
    func seededResults(_ db: String) throws {
        var random = SeededRandom(seed: 20261126)
        var lines: [String] = []
        for (activation, epochs, replicates) in [("relu", 25, 10), ("relu", 50, 5), ("linear", 25, 2), ("linear", 50, 1), ("tanh", 25, 10)] {
            for r in 1...replicates {
                let value = Double(random.next() % 1_000_000) / 1e5 - 3.2 + Double(epochs) / 10
                lines.append(#"{"activation": "\#(activation)", "epochs": \#(epochs), "replicate": \#(r), "rmse_global": \#(value)}"#)
            }
        }
        lines.append(#"{"activation": "relu", "epochs": 25, "replicate": 11, "rmse_global": null}"#)
        lines.append(#"{"activation": "relu", "epochs": 25, "replicate": 12, "rmse_global": "diverged"}"#)
        let r = try dbtool(["insert", db, "--table", "AlgorithmResult"], stdin: lines.joined(separator: "\n"))
        #expect(r.status == 0, "\(r.stderr)")
    }

    @Test func summaryMatchesPythonStatisticsOnTheSameRows() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        try seededResults(db)
        let r = try dbtool(["summary", db, "--metric", "rmse_global", "--by", "activation,epochs", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("2 rows without a numeric rmse_global left out"))
        let python = """
            import sqlite3, statistics, sys
            rows = sqlite3.connect(sys.argv[1]).execute(
                "SELECT activation, epochs, rmse_global FROM AlgorithmResult WHERE typeof(rmse_global) IN ('integer', 'real')").fetchall()
            groups = {}
            for a, e, v in rows:
                groups.setdefault((a, e), []).append(v)
            print("activation,epochs,n,mean,sd,min,median,max")
            for (a, e), vs in sorted(groups.items(), key=lambda kv: (statistics.fmean(kv[1]), kv[0])):
                sd = repr(statistics.stdev(vs)) if len(vs) > 1 else ""
                print(f"{a},{e},{len(vs)},{statistics.fmean(vs)!r},{sd},{min(vs)!r},{statistics.median(vs)!r},{max(vs)!r}")
            """
        let expected = try runProcess(["python3", "-c", python, db])
        #expect(expected.status == 0, "\(expected.stderr)")
        let ours = r.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let theirs = expected.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(ours.count == 6 && theirs.count == 6)
        for (mine, reference) in zip(ours, theirs) {
            #expect(mine.count == reference.count)
            for (a, b) in zip(mine, reference) {
                if let x = Double(a), let y = Double(b) {
                    #expect(abs(x - y) <= 1e-12 * max(1, abs(y)), "\(mine) vs \(reference)")
                } else {
                    #expect(a == b, "\(mine) vs \(reference)")
                }
            }
        }
        // A single replicate has no standard deviation: an empty field, not 0.
        #expect(r.stdout.contains("\nlinear,50,1,"))
        #expect(ours.first { $0[0] == "linear" && $0[1] == "50" }?[4] == "")
    }

    @Test func summaryOrdersByMeanAndHonoursDescTopAndWhere() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        try dbtool(["insert", db], stdin: """
            {"k": "a", "m": 3.0}
            {"k": "a", "m": 5.0}
            {"k": "b", "m": 1.0}
            {"k": "c", "m": 9.0}
            {"k": "c", "m": 7.0}
            """)
        #expect(try dbtool(["summary", db, "--metric", "m", "--format", "csv"]).stdout.split(separator: "\n").map { $0.prefix(2) } == ["k,", "b,", "a,", "c,"])
        #expect(try dbtool(["summary", db, "--metric", "m", "--desc", "--top", "1", "--format", "csv"]).stdout
            == "k,n,mean,sd,min,median,max\nc,2,8.0,1.4142135623730951,7.0,8.0,9.0\n")
        #expect(try dbtool(["summary", db, "--metric", "M", "--where", "k != 'c'", "--format", "json"]).stdout
            == "[\n{\"k\":\"b\",\"n\":1,\"mean\":1.0,\"sd\":null,\"min\":1.0,\"median\":1.0,\"max\":1.0},\n{\"k\":\"a\",\"n\":2,\"mean\":4.0,\"sd\":1.4142135623730951,\"min\":3.0,\"median\":4.0,\"max\":5.0}\n]\n")
        let table = try dbtool(["summary", db, "--metric", "m"]).stdout
        #expect(table.hasPrefix("k  n  mean"))
        #expect(table.hasSuffix("(3 rows)\n"))
    }

    @Test func summaryGroupsByTheSweepParametersOfAFarmTable() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        let run = try runProcess([Binaries.farmrun, "--db", db, "--jobs", "2", "-p", "g=x,y", "-p", "k=1..3", "--replicates", "4",
                                  "--", "/bin/echo", #"{"loss": {task}, "steps": 100}"#])
        #expect(run.status == 0, "\(run.stderr)")
        let r = try dbtool(["summary", db, "--metric", "loss", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        // Grouped by g and k (the sweep's parameters), not by the job's own integer column `steps`.
        #expect(r.stdout.hasPrefix("g,k,n,mean,"))
        #expect(r.stdout.split(separator: "\n").count == 7)
        #expect(r.stdout.split(separator: "\n").dropFirst().allSatisfy { $0.split(separator: ",")[2] == "4" })
    }

    @Test func summaryOfATableNoFarmWroteGroupsByColumnsHoldingNoReals() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        try seededResults(db)
        let r = try dbtool(["summary", db, "--metric", "rmse_global", "--format", "csv"])
        #expect(r.stdout.hasPrefix("activation,epochs,n,"), "\(r.stdout)")
        // A column with one value in the whole table (the seed's author, dataset) tells no rows apart: left out.
        let seed = folder.file("seed.db")
        try dbtool(["insert", seed], stdin: """
            {"author": "Philip", "dataset": "no_data", "epochs": 25, "rmse_global": 0.5}
            {"author": "Philip", "dataset": "no_data", "epochs": 50, "rmse_global": 0.25}
            {"author": "Philip", "dataset": "no_data", "epochs": 50, "rmse_global": 0.75}
            """)
        #expect(try dbtool(["summary", seed, "--metric", "rmse_global", "--format", "csv"]).stdout
            == "epochs,n,mean,sd,min,median,max\n25,1,0.5,,0.5,0.5,0.5\n50,2,0.5,0.3535533905932738,0.25,0.5,0.75\n")
    }

    @Test func summaryRejectsBadInputWithOneLineNamingTheFix() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        try seededResults(db)
        let before = fileBytes(db)
        let cases: [([String], String)] = [
            (["--metric", "rmse"], "--metric rmse: table AlgorithmResult has no such column (columns: activation, epochs, replicate, rmse_global)"),
            (["--metric", "activation"], "column activation of table AlgorithmResult has no numeric values"),
            (["--metric", "rmse_global", "--by", "epochs,bogus"], "--by bogus: table AlgorithmResult has no such column"),
            (["--metric", "rmse_global", "--where", "epochs >"], "--where \"epochs >\" is not a usable SQL condition"),
            (["--metric", "rmse_global", "--where", "epochs > 1000"], "table AlgorithmResult has no rows where epochs > 1000"),
            (["--metric", "rmse_global", "--where", "1); DELETE FROM AlgorithmResult; --"], "is not a usable SQL condition"),
            (["--metric", "rmse_global", "--top", "0"], "--top 0: give a positive number of rows"),
            (["--metric", "rmse_global", "--table", "Nope"], "table \"Nope\" does not exist (tables: AlgorithmResult)"),
        ]
        for (arguments, message) in cases {
            let r = try dbtool(["summary", db] + arguments)
            #expect(r.status == 1, "\(arguments)")
            #expect(r.stderr.hasPrefix("dbtool: ") && r.stderr.contains(message), "\(arguments): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(arguments): \(r.stderr)")
        }
        #expect(fileBytes(db) == before)
        #expect(try dbtool(["summary", folder.file("missing.db"), "--metric", "x"]).stderr.contains("no such file"))
    }

    @Test func linePlotDrawsOneLineAndBandPerSeriesWithLegendAndAxes() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        try seededResults(db)
        let svg = folder.file("rmse.svg")
        let r = try dbtool(["plot", db, "--x", "epochs", "--y", "rmse_global", "--series", "activation", "-o", svg])
        #expect(r.status == 0, "\(r.stderr)")
        let document = try SVGDocument(path: svg)
        #expect(document.count("polyline") == 3 - 1)  // linear has 2 x values, relu 2, tanh 1: one point draws no line
        #expect(document.count("polygon") == 2)       // a band needs two points
        #expect(document.count("circle") == 5 + 3)    // a mark per (series, x) and one per legend entry
        for label in ["activation", "linear", "relu", "tanh", "epochs", "rmse_global (mean)", "rmse_global by epochs and activation"] {
            #expect(document.texts.contains(label), "\(label) missing in \(document.texts)")
        }
    }

    @Test func heatmapDrawsACellPerCombinationWithItsMean() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        try seededResults(db)
        let svg = folder.file("grid.svg")
        let r = try dbtool(["plot", db, "--kind", "heatmap", "--x", "activation", "--y", "epochs", "--z", "rmse_global", "-o", svg])
        #expect(r.status == 0, "\(r.stderr)")
        let document = try SVGDocument(path: svg)
        let cells = document.titles.filter { $0.contains(": mean ") }
        #expect(cells.count == 5)  // tanh has no epochs = 50: that cell stays empty
        let summary = try dbtool(["summary", db, "--metric", "rmse_global", "--by", "activation,epochs", "--format", "csv"]).stdout
        let relu25 = summary.split(separator: "\n").first { $0.hasPrefix("relu,25,") }?.split(separator: ",")[3]
        #expect(cells.contains { $0.hasPrefix("activation=relu epochs=25: mean \(relu25 ?? "?"),") })
        let missing = try dbtool(["plot", db, "--kind", "heatmap", "--x", "activation", "--y", "epochs", "-o", svg])
        #expect(missing.status == 1 && missing.stderr.contains("a heatmap plot needs --z"))
    }

    @Test func plotEscapesHostileValuesAndWritesNothingOnError() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        try dbtool(["insert", db], stdin: """
            {"who": "<script>alert('x')</script> & \\"co\\"", "x": 1, "y": 2.5}
            {"who": "ok\\u0001", "x": 2, "y": 3.5}
            """)
        let svg = folder.file("h.svg")
        #expect(try dbtool(["plot", db, "--x", "x", "--y", "y", "--series", "who", "--title", "a < b", "-o", svg]).status == 0)
        let document = try SVGDocument(path: svg)
        #expect(document.texts.contains("a < b"))
        #expect(document.texts.contains { $0.hasPrefix("<script>") })
        let bad = folder.file("out.pdf")
        let r = try dbtool(["plot", db, "--x", "x", "--y", "y", "-o", bad])
        #expect(r.status == 1 && r.stderr.contains("-o \(bad): the file name must end in .svg or .png"))
        #expect(!FileManager.default.fileExists(atPath: bad))
        let text = try dbtool(["plot", db, "--kind", "scatter", "--x", "who", "--y", "y", "-o", svg])
        #expect(text.status == 1 && text.stderr.contains("--x who holds text"))
        #expect(try dbtool(["plot", db, "--x", "x", "--y", "y", "-o", folder.file("no/such/dir.svg")]).stderr.contains("does not exist"))
        // A picture too large to render is refused before anything is drawn.
        let huge = try dbtool(["plot", db, "--x", "x", "--y", "y", "--width", "100000", "-o", svg])
        #expect(huge.status == 1 && huge.stderr == "dbtool: --width 100000 --height 520: give a width of 320 to 8000 and a height of 240 to 8000 pixels\n")
    }

    @Test(.enabled(if: PlotFile.converter != nil, "needs rsvg-convert (librsvg2-bin)"))
    func pngNameWritesAPNGThroughRsvgConvert() throws {
        let folder = TemporaryFolder()
        let db = folder.file("r.db")
        try seededResults(db)
        let png = folder.file("rmse.png")
        let r = try dbtool(["plot", db, "--kind", "scatter", "--x", "epochs", "--y", "rmse_global", "-o", png])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(fileBytes(png)?.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // The SVG it converted and the temporary PNG are gone.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix("r.db") } == ["rmse.png"])
    }
}

/// An SVG file parsed as XML (so a badly escaped value fails the parse), with
/// its elements counted and its texts and tooltips collected.
final class SVGDocument: NSObject, XMLParserDelegate {
    private(set) var elements: [String: Int] = [:]
    private(set) var texts: [String] = []
    private(set) var titles: [String] = []
    private var characters = ""

    init(path: String) throws {
        super.init()
        let parser = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: path)))
        parser.delegate = self
        guard parser.parse() else {
            throw SVGError(reason: "\(path) is not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?")")
        }
    }

    struct SVGError: Error { let reason: String }

    func count(_ element: String) -> Int { elements[element] ?? 0 }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements[name, default: 0] += 1
        characters = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        characters += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(characters) }
        if name == "title" { titles.append(characters) }
        characters = ""
    }
}
