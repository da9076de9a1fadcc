// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "farm",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "farmrun", targets: ["farmrun"]),
        .executable(name: "dbtool", targets: ["dbtool"]),
        .executable(name: "farm-pin", targets: ["farm-pin"]),
        .library(name: "Farm", targets: ["Farm"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // OpenMPI's header (libopenmpi-dev); libmpi itself is loaded at run time (see shim.h).
        .systemLibrary(name: "CMPI"),
        // Linux calls Swift cannot make directly (variadic syscall, headers Glibc leaves out).
        .target(name: "CLinux"),
        // The results core: JSON, a result's row, the table logic, SQLite's C API. No Foundation, no
        // GRDB: the dbtool executable is this and the Swift standard library (Farm re-exports it).
        .target(
            name: "FarmResults",
            dependencies: ["CLinux", .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        .target(
            name: "Farm",
            dependencies: [
                "CMPI",
                "CLinux",
                "FarmResults",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // farmrun serve: the web dashboard over Farm's read models. A target of its own so that dbtool, which
        // a sweep may start once per result, does not carry the HTTP server (36 MB of a static binary).
        .target(
            name: "FarmDashboard",
            dependencies: [
                "Farm",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "farmrun",
            dependencies: ["Farm", "FarmDashboard", "DBToolCommands", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // A job's CPU pinning: sets the affinity, then execs the job (see main.c). C, so it starts in
        // a fraction of a millisecond.
        .executableTarget(name: "farm-pin"),
        // dbtool's commands, in farmrun, which answers as dbtool when started under that name.
        .target(
            name: "DBToolCommands",
            dependencies: ["Farm", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // `dbtool insert` (once per result) in a binary of its own; the other commands it hands to farmrun.
        // Released as a static executable (SQLite and glibc linked in): no loader, no relocations, it
        // starts faster than SQLite's own shell (see bench/dbtool-latency.sh) and runs on any node.
        .executableTarget(
            name: "dbtool",
            dependencies: ["FarmResults"],
            linkerSettings: [.unsafeFlags(["-static-executable"], .when(platforms: [.linux], configuration: .release))]
        ),
        // Fast tests of pure parts (sweep language, JSON, wire format, dispatcher, early stopping): no process, no file.
        .testTarget(
            name: "FarmUnitTests",
            dependencies: ["Farm", "FarmDashboard"]
        ),
        // End to end: real SQLite files, child processes, mpirun, the local Slurm cluster.
        .testTarget(
            name: "FarmTests",
            dependencies: ["Farm", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
