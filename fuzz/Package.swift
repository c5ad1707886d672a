// swift-tools-version: 6.2
// libFuzzer targets for mailconf's parsers of untrusted input. A package of its own, so
// that the main build never sees -sanitize=fuzzer: scripts/fuzz.sh builds it, with
// -enable-testing so that a target can reach a parser that is internal to its module.
import PackageDescription

let fuzzer: [SwiftSetting] = [.unsafeFlags(["-parse-as-library"])]

func target(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: "fuzz-\(name)", dependencies: ["FuzzSupport"] + dependencies, swiftSettings: fuzzer)
}

func mailconf(_ product: String) -> Target.Dependency { .product(name: product, package: "mailconf") }

let package = Package(
    name: "mailconf-fuzz",
    dependencies: [
        .package(name: "mailconf", path: ".."),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    ],
    targets: [
        // libFuzzer's driver, the input cut into pieces, async code run to its end.
        .target(name: "FuzzSupport"),
        // The clientConfig reader, 1.1 and 1.2, with import's libxml2 settings.
        target("clientconfig", [mailconf("MailFormats")]),
        // SMTP replies as they arrive, in any chunks, and the EHLO capabilities.
        target("smtp-reply", [mailconf("SMTPClient")]),
        // IMAP responses with literals, and POP3 responses of each form; capabilities.
        target("imap-pop3", [mailconf("IMAPClient"), mailconf("POP3Client")]),
        // DNS answers: names, compression, truncated records.
        target("dns-message", [mailconf("DNSClient")]),
        // The Autodiscover request body, and serve's address, query and Host checks.
        target("autodiscover", [mailconf("ClientExport"), mailconf("AutoconfigService"), mailconf("MailSettings"),
                                .product(name: "Hummingbird", package: "hummingbird")]),
        // SPF records evaluated over a DNS table that the input also writes.
        target("spf", [mailconf("Deliverability"), mailconf("DNSClient")]),
        // DMARC and DKIM tag lists, and the MTA-STS policy file.
        target("tag-lists", [mailconf("Deliverability")]),
        // The certificate report: DER or PEM, names, dates, host name matching.
        target("x509", [mailconf("MailNet"), .product(name: "X509", package: "swift-certificates")]),
        // Username templates and their expansion for an address.
        target("username", [mailconf("MailSettings")]),
    ]
)
