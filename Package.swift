// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "mailconf",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "mailconf", targets: ["mailconf"]),
        .library(name: "MailSettings", targets: ["MailSettings"]),
        .library(name: "MailFormats", targets: ["MailFormats"]),
        .library(name: "Catalog", targets: ["Catalog"]),
        .library(name: "SMTPClient", targets: ["SMTPClient"]),
        .library(name: "Validator", targets: ["Validator"]),
        // For the libFuzzer targets in fuzz/, a package of their own.
        .library(name: "IMAPClient", targets: ["IMAPClient"]),
        .library(name: "POP3Client", targets: ["POP3Client"]),
        .library(name: "DNSClient", targets: ["DNSClient"]),
        .library(name: "MailNet", targets: ["MailNet"]),
        .library(name: "Deliverability", targets: ["Deliverability"]),
        .library(name: "ClientExport", targets: ["ClientExport"]),
        .library(name: "AutoconfigService", targets: ["AutoconfigService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // X.509 parsing for the certificate report (subject, issuer, names, validity).
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        // Already in the graph through swift-certificates; named for its PEM reader (a
        // chain of several certificates in one file).
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        // The autoconfig HTTP service; no default traits (swift-configuration is not used).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The PostgreSQL catalog: the wire protocol, SCRAM, TLS, LISTEN/NOTIFY.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // libxml2 from the system (Debian: apt-get install libxml2-dev).
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        // SASL GSSAPI (RFC 4752) for the SMTP client, over MIT Kerberos' GSS-API library,
        // which it opens at run time (dlopen): no Kerberos headers or link-time library.
        .target(name: "Kerberos", dependencies: ["Failures", "SASL"]),
        // Failure kinds as values (one small protocol every module's errors conform to),
        // and the command-text check every protocol line goes through.
        .target(name: "Failures"),
        // Network plumbing every client shares: deadlines, blocking calls off the
        // cooperative pool, TLS trust and certificate verification with named failures,
        // connect failures told apart, address resolvers, the transcript.
        .target(name: "MailNet", dependencies: [
            "Failures",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "X509", package: "swift-certificates"),
        ]),
        // The setting model: values and their validation, no I/O.
        .target(name: "MailSettings", dependencies: ["Failures"]),
        // Formats between the model and bytes; every XML byte goes through libxml2.
        .target(name: "MailFormats", dependencies: ["Failures", "MailSettings", "CLibXML2"]),
        // Client configuration files (Thunderbird, Autodiscover, Apple, msmtp, mutt, git,
        // Postfix, .env) from the model; XML through MailFormats' libxml2 writer.
        .target(name: "ClientExport", dependencies: [
            "Failures", "MailSettings", "MailFormats",
            .product(name: "Crypto", package: "swift-crypto"),
            // Signed Apple profiles: CMS SignedData.
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
        ]),
        // What mail clients find for an organisation's domain, from outside: DNS and the
        // https answers against the catalog's.
        .target(name: "DomainCheck", dependencies: ["ClientExport", "DNSClient", "MailSettings", "WebFetch"]),
        // An ACME client (RFC 8555): account, orders, HTTP-01 and TLS-ALPN-01 challenges
        // answered by a responder it is given, CSRs, storage, and the renewal keeper.
        .target(name: "ACME", dependencies: [
            "Failures", "WebFetch",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // What serve's listener and the admin one share: one route table → router + 405,
        // one refusal (text, JSON, HTML), one listener builder (TLS, limits, bind errors).
        .target(name: "HTTPKit", dependencies: [
            "Failures",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // The autoconfig / Autodiscover HTTP service over a read-only catalog.
        .target(name: "AutoconfigService", dependencies: [
            "ACME", "Catalog", "ClientExport", "Failures", "HTTPKit", "MailFormats", "MailSettings", "WebFetch",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // A stub resolver (MX, SRV, TXT, A, AAAA) that asks a chosen nameserver directly.
        .target(name: "DNSClient", dependencies: ["Failures", "MailNet", .product(name: "NIOCore", package: "swift-nio")]),
        // A small https GET with certificate checks, deadlines and address overrides.
        .target(name: "WebFetch", dependencies: [
            "Failures", "MailNet",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // deliverability: SPF (evaluated, limits counted), DKIM, DMARC and friends for a relay.
        .target(name: "Deliverability", dependencies: ["DNSClient", "MailSettings", "WebFetch"]),
        // discover: every source mail clients use (catalog, autoconfig URLs, ISPDB, MX,
        // SRV, guessing) at once, with its own DNS client, then checked live.
        .target(name: "Discovery", dependencies: [
            "Catalog", "DNSClient", "Failures", "IMAPClient", "MailFormats", "MailNet", "MailSettings", "POP3Client", "Validator",
            "WebFetch",
        ]),
        // The catalog: schema, migrations, presets, import, queries, over one storage
        // interface (CatalogStore); SQLite (GRDB), the embedded default, lives here.
        .target(
            name: "Catalog",
            dependencies: [
                "Failures", "MailSettings", "MailFormats",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Providers/SOURCES.md"],
            // Providers/ (at the top of the repository, linked here) is built into the
            // binary; .process follows the link and copies the files themselves.
            resources: [.process("Providers")]
        ),
        // The use cases both adapters (the command line, the admin API) call: verify and
        // record, server add/edit/remove through one parse and patch, domain mapping, and
        // the one JSON shape of a provider and a server (docs/json.md).
        .target(name: "UseCases", dependencies: ["Catalog", "MailNet", "MailSettings", "SASL", "Validator"]),
        // The admin API: the catalog's domains and providers as JSON resources, behind
        // bearer tokens, on serve's admin listener.
        .target(name: "AdminService", dependencies: [
            "Catalog", "ClientExport", "Failures", "HTTPKit", "MailFormats", "MailNet", "MailSettings", "SASL", "UseCases", "Validator",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // The catalog on PostgreSQL, shared by many `serve` replicas: the store, its
        // connection URL and credentials, and LISTEN/NOTIFY change watching.
        .target(name: "PostgresCatalog", dependencies: [
            "Catalog", "Failures", "MailNet",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // SASL mechanisms (PLAIN, LOGIN, CRAM-MD5, XOAUTH2) behind one small protocol, and
        // the secret they carry; shared by every protocol client.
        .target(name: "SASL", dependencies: [
            "Failures",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The session core the three protocol clients are built on: options, the
        // failures they share, the opening (connect, greeting, implicit TLS or STARTTLS),
        // the connection and its channel handler, what a session shows.
        .target(name: "MailSession", dependencies: [
            "Failures", "MailNet", "SASL",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // The SMTP client: replies, capabilities, commands, transcript, the session's
        // SMTP steps over the session core.
        .target(name: "SMTPClient", dependencies: [
            "Failures", "MailNet", "MailSession", "SASL",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // The IMAP client (RFC 9051/3501): responses, capabilities, commands, the session;
        // it checks incoming settings as SMTPClient checks outgoing ones.
        .target(name: "IMAPClient", dependencies: [
            "Failures", "MailNet", "MailSession", "SASL",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // The POP3 client (RFC 1939, 2449 CAPA, 2595 STLS, 5034 SASL): responses,
        // capabilities, commands, transcript, the session's POP3 steps over the core.
        .target(name: "POP3Client", dependencies: [
            "Failures", "MailNet", "MailSession", "SASL",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        // Lint rules over settings: pure, no network.
        .target(name: "Lint", dependencies: ["MailSettings"]),
        // Live verification of SMTP, IMAP and POP3 settings on mailconf's own clients
        // (Kerberos for GSSAPI): a verdict, the reason, and the setting that works instead.
        .target(name: "Validator", dependencies: ["Failures", "IMAPClient", "MailNet", "MailSession", "MailSettings", "POP3Client", "SASL", "SMTPClient", "Kerberos"]),
        // The command line.
        .executableTarget(
            name: "mailconf",
            dependencies: [
                "MailSettings", "MailFormats", "ClientExport", "Catalog", "Failures", "Lint", "SASL", "Validator", "SMTPClient", "AutoconfigService", "Discovery", "DNSClient", "Deliverability", "WebFetch", "Kerberos", "MailNet", "DomainCheck", "ACME", "PostgresCatalog", "AdminService", "HTTPKit", "UseCases",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // A release binary carries the Swift runtime and Foundation (as
            // `--static-swift-stdlib` would): it runs on a machine without the toolchain,
            // and starts in about 7 ms instead of 11 (no dynamic loading of those libraries).
            // Its symbols are not exported (the static runtime's link flags export all
            // 46,000): the loader and the runtime's start-up then search 640, about 0.7 ms
            // less at every start.
            swiftSettings: [.unsafeFlags(["-static-stdlib"], .when(platforms: [.linux], configuration: .release))],
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux], configuration: .release))]
        ),
        // In-process measurements for the bench/ scripts.
        .executableTarget(name: "mailconf-bench", dependencies: ["Catalog", "MailFormats", "MailNet", "MailSettings", "SASL", "SMTPClient", "Validator"], path: "bench/InProcess"),
        // What the tests share: the ISPDB location, the lab's servers (LabServers), the
        // in-process fake SMTP server for hostile cases, and running tools.
        .target(name: "TestSupport", dependencies: [
            "Failures",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ], path: "Tests/TestSupport"),
        .testTarget(name: "MailSettingsTests", dependencies: ["MailSettings"]),
        .testTarget(name: "FailuresTests", dependencies: ["Failures"]),
        .testTarget(name: "AdminServiceTests", dependencies: [
            "AdminService", "Catalog", "HTTPKit", "MailNet", "MailSettings", "TestSupport", "UseCases",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "SASLTests", dependencies: ["SASL"]),
        .testTarget(name: "MailNetTests", dependencies: [
            "MailNet", "TestSupport",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "MailFormatsTests", dependencies: ["MailFormats", "MailSettings", "TestSupport"]),
        .testTarget(name: "ClientExportTests", dependencies: ["ClientExport", "MailFormats", "MailSettings", "Catalog", "TestSupport"]),
        .testTarget(name: "HTTPKitTests", dependencies: [
            "HTTPKit", "Failures",
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "AutoconfigServiceTests", dependencies: [
            "AutoconfigService", "Catalog", "ClientExport", "MailFormats", "MailSettings", "TestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "DeliverabilityTests", dependencies: [
            "Deliverability", "DNSClient", "Catalog", "MailSettings", "TestSupport", "WebFetch",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTLS", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        .testTarget(name: "DNSClientTests", dependencies: ["DNSClient", "Failures", "MailNet", "TestSupport"]),
        .testTarget(name: "DomainCheckTests", dependencies: ["DomainCheck", "DNSClient", "MailSettings", "Catalog", "TestSupport", "WebFetch"]),
        .testTarget(name: "ACMETests", dependencies: [
            "ACME", "TestSupport", "WebFetch",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        .testTarget(name: "WebFetchTests", dependencies: [
            "WebFetch", "MailNet",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "DiscoveryTests", dependencies: [
            "Discovery", "DNSClient", "MailNet", "AutoconfigService", "Catalog", "MailSettings", "TestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "CatalogTests", dependencies: [
            "Catalog", "MailFormats", "MailSettings", "PostgresCatalog", "TestSupport",
            .product(name: "GRDB", package: "GRDB.swift"),
        ]),
        .testTarget(name: "SMTPClientTests", dependencies: [
            "SMTPClient", "MailNet", "MailSession", "SASL", "TestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        .testTarget(name: "IMAPClientTests", dependencies: [
            "IMAPClient", "MailNet", "MailSession", "SASL", "TestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),
        .testTarget(name: "POP3ClientTests", dependencies: [
            "POP3Client", "Failures", "MailNet", "MailSession", "SASL", "TestSupport",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "LintTests", dependencies: ["Lint", "MailSettings", "Catalog"]),
        .testTarget(name: "KerberosTests", dependencies: [
            "Kerberos", "MailNet", "MailSession", "SASL", "SMTPClient", "TestSupport",
            .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        ]),
        .testTarget(name: "ValidatorTests", dependencies: ["Validator", "Failures", "Kerberos", "MailNet", "MailSession", "MailSettings", "SASL", "IMAPClient", "POP3Client", "Catalog", "SMTPClient", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["mailconf", "TestSupport"]),
        .testTarget(name: "UseCasesTests", dependencies: ["UseCases", "Catalog", "MailSettings", "Validator"]),
    ],
    swiftLanguageModes: [.v6]
)
