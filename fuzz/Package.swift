// swift-tools-version: 6.2
// libFuzzer targets for mailconf's parsers of untrusted input. A package of its own, so
// that the main build never sees -sanitize=fuzzer: scripts/fuzz.sh builds it.
import PackageDescription

let fuzzer: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

let package = Package(
    name: "mailconf-fuzz",
    dependencies: [.package(name: "mailconf", path: "..")],
    targets: [
        // The clientConfig reader, 1.1 and 1.2, with import's libxml2 settings.
        .executableTarget(name: "fuzz-clientconfig", dependencies: [.product(name: "MailFormats", package: "mailconf")],
                          swiftSettings: fuzzer),
    ]
)
