// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Chorus",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "chorus", targets: ["chorus"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // `chorus serve`: Hummingbird 2 over SwiftNIO (lighter than Vapor: no ORM, no templating),
        // swift-log for its logs, swift-prometheus for /metrics. TLS is nginx's (docs/team.md).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // libsndfile, from Debian's libsndfile1-dev. Only ChorusAudio imports it.
        .systemLibrary(
            name: "CSndFile",
            pkgConfig: "sndfile",
            providers: [.apt(["libsndfile1-dev"])]
        ),
        // libpq, PostgreSQL's own client library, from Debian's libpq-dev. Only ChorusStore imports it.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        // OpenSSL's libcrypto, from Debian's libssl-dev: SHA-256 of recordings. Only ChorusIngest imports it.
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // ALSA's libasound, from Debian's libasound2-dev: playback. Only ChorusPlayback imports it.
        .systemLibrary(
            name: "CALSA",
            pkgConfig: "alsa",
            providers: [.apt(["libasound2-dev"])]
        ),
        // libsoxr, the SoX resampler, from Debian's libsoxr-dev: export clips. Only ChorusAudio imports it.
        .systemLibrary(
            name: "CSoxr",
            pkgConfig: "soxr",
            providers: [.apt(["libsoxr-dev"])]
        ),
        // libcurl, from Debian's libcurl4-openssl-dev: HTTPS for the loop on an annotator's machine,
        // with a private CA when the server has one. Only ChorusRemote imports it.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // zlib, from Debian's zlib1g-dev: gzip for Lhotse's .jsonl.gz manifests. Only ChorusExport imports it.
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // What every module shares: the one error shape. No dependencies.
        .target(name: "ChorusSupport", dependencies: ["CLibCrypto"]),
        // Reading, writing and resampling audio; the only module that touches libsndfile and libsoxr.
        .target(name: "ChorusAudio", dependencies: ["ChorusSupport", "CSndFile", "CSoxr"]),
        // Playing clips: ALSA or an external player or nothing, pitch-keeping speed change, on its own thread.
        .target(name: "ChorusPlayback", dependencies: ["ChorusSupport", "ChorusAudio", "CALSA"]),
        // Agreement metrics: WER/CER/MER/WIL as jiwer, chrF and BLEU as sacrebleu; pure.
        .target(name: "ChorusMetrics", dependencies: [.product(name: "RealModule", package: "swift-numerics")]),
        // Silence segmentation on plain sample buffers; pure, no I/O.
        .target(
            name: "ChorusSegmentation",
            dependencies: [.product(name: "RealModule", package: "swift-numerics")]
        ),
        // Audio files in, segments out: walks folders, decodes, segments, batches over cores.
        .target(
            name: "ChorusIngest",
            dependencies: [
                "ChorusSupport", "ChorusAudio", "ChorusSegmentation", "ChorusStore",
                "CLibCrypto",
            ]
        ),
        // Projects: config file, language tags, and the store (recordings, segments, and the
        // work to come) behind one API, SQLite through GRDB.
        .target(
            name: "ChorusStore",
            dependencies: [
                "ChorusSupport",
                "CLibPQ",
                "ChorusMetrics",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // The full-screen annotation loop: raw terminal, line editor, screens, keys; plays
        // through ChorusPlayback and works through the store's work queue.
        .target(name: "ChorusTerminal", dependencies: ["ChorusSupport", "ChorusAudio", "ChorusPlayback", "ChorusStore"]),
        // Alignment checks and agreement over a project; one rule a file, registered in Rules.all.
        .target(name: "ChorusValidation", dependencies: ["ChorusSupport", "ChorusStore", "ChorusMetrics"]),
        // Corpora out: splits, clips, every format's writer, checksums, the datasheet.
        .target(name: "ChorusExport", dependencies: ["ChorusSupport", "ChorusAudio", "ChorusIngest", "ChorusStore", "ChorusValidation", "CZlib"]),
        // The work through `chorus serve`, for the loop on an annotator's own machine (URLSession).
        // The work API's JSON: one definition for the server that encodes it and the client that reads it.
        .target(name: "ChorusAPI", dependencies: ["ChorusStore"]),
        .target(name: "ChorusRemote", dependencies: ["ChorusSupport", "ChorusStore", "ChorusAPI", "CCurl"]),
        // `chorus serve`: the work API over HTTP, each request acting as one person; its
        // OpenAPI document is compiled in.
        .target(
            name: "ChorusServer",
            dependencies: [
                "ChorusSupport", "ChorusAudio", "ChorusStore", "ChorusAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [.embedInCode("openapi.yaml")]
        ),
        // The subcommands. Each run() parses, calls library modules, prints.
        .target(
            name: "ChorusCLI",
            dependencies: [
                "ChorusSupport",
                "ChorusAudio",
                "ChorusSegmentation",
                "ChorusIngest",
                "ChorusStore",
                "ChorusMetrics",
                "ChorusValidation",
                "ChorusExport",
                "ChorusPlayback",
                "ChorusTerminal",
                "ChorusServer",
                "ChorusRemote",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "chorus", dependencies: ["ChorusCLI"]),
        // Benchmarks: `make bench` builds and runs this in release mode.
        .executableTarget(
            name: "chorus-bench",
            dependencies: [
                "ChorusAudio", "ChorusSegmentation", "ChorusIngest", "ChorusStore", "ChorusPlayback", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "benchmarks/Sources/chorus-bench"
        ),
        .target(name: "TestSupport", dependencies: ["ChorusAudio", "ChorusStore"], path: "Tests/TestSupport"),
        .testTarget(name: "ChorusAudioTests", dependencies: ["ChorusAudio", "TestSupport"]),
        .testTarget(name: "ChorusSegmentationTests", dependencies: ["ChorusSegmentation", "ChorusAudio", "TestSupport"]),
        .testTarget(name: "ChorusPlaybackTests", dependencies: ["ChorusPlayback", "TestSupport"]),
        .testTarget(name: "ChorusTerminalTests", dependencies: ["ChorusTerminal", "TestSupport"]),
        .testTarget(
            name: "ChorusMetricsTests", dependencies: ["ChorusMetrics", "TestSupport", .product(name: "RealModule", package: "swift-numerics")],
            exclude: ["Interop"]),
        .testTarget(name: "ChorusValidationTests", dependencies: ["ChorusValidation", "ChorusStore", "TestSupport"]),
        // The WorkBackend contract, run against every backend.
        .target(name: "WorkContract", dependencies: ["ChorusStore"], path: "Tests/WorkContract"),
        .testTarget(name: "ChorusStoreTests", dependencies: ["ChorusStore", "ChorusMetrics", "TestSupport", "WorkContract"]),
        .testTarget(name: "ChorusExportTests", dependencies: ["ChorusExport", "ChorusStore", "ChorusAudio", "ChorusSupport", "TestSupport"], exclude: ["Interop"]),
        .testTarget(name: "ChorusIngestTests", dependencies: ["ChorusIngest", "ChorusStore", "TestSupport"]),
        .testTarget(name: "ChorusServerTests", dependencies: ["ChorusStore", "ChorusAudio", "ChorusRemote", "TestSupport", "WorkContract"]),
        .testTarget(name: "ChorusCLITests", dependencies: ["ChorusCLI", "ChorusStore", "ChorusTerminal", "TestSupport"], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
