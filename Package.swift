// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "Baton",
    products: [
        .library(name: "StorageCore", targets: ["StorageCore"]),
        .library(name: "StorageClient", targets: ["StorageClient"]),
        .library(name: "Emulator", targets: ["Emulator"]),
        .library(name: "BackgroundExecution", targets: ["BackgroundExecution"]),
        .library(name: "Analyser", targets: ["Analyser"]),
        .executable(name: "storage-emulator", targets: ["storage-emulator"]),
        .executable(name: "analyser", targets: ["analyser"]),
        .executable(name: "bench", targets: ["bench"]),
    ],
    targets: [
        // C libraries from Debian, each with a header of typed shims for its variadic functions.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),

        // The wire dialect shared by the clients and the emulator.
        .target(name: "StorageCore", dependencies: ["COpenSSL"]),
        .target(name: "StorageClient", dependencies: ["StorageCore", "CCurl"]),
        .target(name: "Emulator", dependencies: ["StorageCore", "CMicroHTTPD", "CSQLite"]),
        .target(name: "BackgroundExecution", dependencies: ["StorageCore", "StorageClient"]),

        .executableTarget(name: "storage-emulator", dependencies: ["Emulator"]),
        .target(name: "Analyser", dependencies: ["BackgroundExecution", "StorageClient", "StorageCore"]),
        .executableTarget(name: "analyser", dependencies: ["Analyser", "StorageCore"]),
        .executableTarget(name: "bench", dependencies: ["StorageClient", "Emulator", "BackgroundExecution"]),

        .testTarget(
            name: "StorageCoreTests", dependencies: ["StorageCore"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "StorageClientTests", dependencies: ["StorageClient", "Emulator"]),
        // The end-to-end tests start real `analyser` worker processes and kill one of each strategy.
        .testTarget(
            name: "AnalyserTests", dependencies: ["Analyser", "Emulator", "StorageClient", "StorageCore", "analyser"]),
        .testTarget(name: "EmulatorTests", dependencies: ["Emulator", "StorageClient"]),
        .testTarget(
            name: "BackgroundExecutionTests", dependencies: ["BackgroundExecution", "Emulator", "lock-contender"]),
        // A small program the multi-process lock test runs several copies of.
        .executableTarget(
            name: "lock-contender", dependencies: ["BackgroundExecution"], path: "Tests/LockContender"),
        // The load harness: mixed operations against a storage-emulator child process, then overload.
        .executableTarget(name: "load-test", dependencies: ["StorageClient", "StorageCore"], path: "Tests/LoadTest"),
    ]
)

// Every target compiles with the same upcoming language features, so that code moves between
// modules without changing meaning.
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ])
    target.swiftSettings = settings
}
