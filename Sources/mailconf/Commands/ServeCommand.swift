import ArgumentParser
import AdminService
import Logging
import MailFormats

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Answer mail clients' autoconfig and Autodiscover requests for your domains.",
        discussion: """
        Serves, from the catalog (opened read-only):
          GET /mail/config-v1.1.xml?emailaddress=ADDR
              Thunderbird, asked at autoconfig.DOMAIN
          GET /.well-known/autoconfig/mail/config-v1.1.xml
              Thunderbird, asked at the domain itself
          GET /v1.1/DOMAIN
              the ISPDB layout (for Thunderbird's ISPDB setting)
          POST /autodiscover/autodiscover.xml
              Outlook (any letter case); a request for the mobile-sync (ActiveSync)
              schema, as new Outlook sends, gets Autodiscover's error 601, after
              which the client looks for IMAP and SMTP
          GET /autodiscover/autodiscover.json?Email=ADDR&Protocol=AutodiscoverV1
          GET /email.mobileconfig?emailaddress=ADDR
              Apple configuration profile (signed with --sign-profiles)
          GET /.well-known/user-agent-configuration.json
              Apple's user-agent auto-configuration, asked at ua-auto-config.DOMAIN;
              'mailconf domains check DOMAIN' prints the TXT record with its digest
          GET /healthz, /metrics
              health; Prometheus metrics

        Admin API: --admin 127.0.0.1:8081 --admin-token-file FILE also serves, on a \
        listener of its own, the catalog's organisation domains, your servers (with \
        "verify now") and providers as JSON, and its change history (docs/admin-api.yaml). \
        Each request needs 'Authorization: Bearer TOKEN', one of FILE's LABEL:TOKEN lines \
        (mode 0600); changes are written to the history under the token's label. Requests \
        are limited per token and bodies to 16 KiB. The same listener serves a web admin \
        page at /ui/ (sign in with a token; it works without JavaScript). Keep it on \
        loopback, or give it TLS with --admin-tls-cert and --admin-tls-key. It has the \
        limits below too (--header-timeout, --idle-timeout, 16 KiB heads), with a cap \
        of its own on open connections (--admin-max-connections).

        Many machines: point every replica at one PostgreSQL catalog (--db \
        postgres://USER@HOST:PORT/DB, password in PGPASSWORD, PGPASSFILE or \
        --db-password-file) and put them behind a load balancer. A replica only reads \
        (a read-only role will do; the tables are made by a command that writes, such as \
        'mailconf catalog update --db URL'). Each write NOTIFYs mailconf_catalog in its \
        transaction, and every replica LISTENs and reloads within a second; when the \
        database goes away it keeps answering from what it read, logs the loss once, \
        reconnects with backoff and polls meanwhile.

        The domain comes from the address, else from the Host header \
        (autoconfig.example.com → example.com). Only organisation domains (mailconf \
        domains add …) are answered, unless --all-domains makes it a mirror of every mail \
        domain the catalog knows. Answers are built once per domain and kept in memory; a \
        change to the catalog by another mailconf process is picked up within a second, \
        and SIGHUP reloads at once. SIGTERM or SIGINT stops it gracefully. Under systemd \
        (Type=notify, deploy/mailconf.service) it reports READY=1 once its port answers, \
        RELOADING=1 and READY=1 around a reload, and STOPPING=1, over $NOTIFY_SOCKET.

        Thunderbird's file is clientConfig 1.1, which every client reads. \
        --config-version 1.2 serves the IETF draft's version (draft-ietf-mailmaint-autoconfig) \
        with what only it can say: SASL mechanisms, JMAP, calendars and address books, \
        MX domains. Each server still carries a method 1.1 readers know.

        Mail clients prefer https for autoconfig: give --tls-cert and --tls-key, or run it \
        behind a proxy that terminates TLS.

        Apple devices show an unsigned profile as "Not Verified". --sign-profiles signs \
        each profile (CMS, the chain included) with --sign-cert and --sign-key, or, \
        without them, with the domain's ACME certificate, else the https certificate.

        Certificates by ACME (RFC 8555, Let's Encrypt and others): --acme-directory URL \
        --acme-email ADDR makes the listener https and gets one certificate per \
        organisation domain D, for autoconfig.D and autodiscover.D (so a failure or a \
        new domain touches no other, and no certificate lists other customers). The CA \
        checks that the names reach this server: by HTTP-01 on the plain-HTTP listener \
        (--http-port, port 80 from the internet), or by TLS-ALPN-01 on the https \
        listener (port 443 from the internet). Certificates are renewed at two-thirds of \
        their lifetime, retried with backoff after a failure (the CA's Retry-After for \
        a rate limit), and swapped in without a restart; a domain added with 'domains \
        add' while serving gets its certificate within a minute. Until then, and while a \
        renewal fails, the certificate in use stays in use (--tls-cert's for a name with \
        none yet). The account key and the certificates are stored mode 0600 in \
        --acme-storage (by default the folder 'acme' beside the catalog), one folder per \
        CA. The CA's problems are logged with their type and detail.

        Limits, so that idle or slow clients cannot use it up: a connection that has not \
        sent a whole request head (request line and headers) within --header-timeout \
        seconds of connecting, or of its request's first byte, is closed (the slowloris \
        defence); one idle between requests for --idle-timeout seconds is closed; a head \
        over 16 KiB gets 431; past --max-connections (by default from the open-file limit, \
        which is raised to its hard maximum) new connections are closed at once. /metrics \
        shows the open connections and how many each limit closed. The admin listener \
        has the same timeouts and head limit, and closes connections past \
        --admin-max-connections (32 by default).

        Examples:
          mailconf domains add example.org --provider fastmail
          mailconf serve --port 8080
          curl 'http://127.0.0.1:8080/mail/config-v1.1.xml?emailaddress=alice@example.org'
          mailconf serve --host 0.0.0.0 --port 443 --tls-cert fullchain.pem --tls-key key.pem
          mailconf serve --port 443 --tls-cert fullchain.pem --tls-key key.pem --sign-profiles
          mailconf serve --host :: --port 443 --http-port 80 --sign-profiles \\
              --acme-directory https://acme-v02.api.letsencrypt.org/directory --acme-email admin@example.org
        """
    )

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one and prints it).")
    var port = 8080

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain for HTTPS.")
    var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for HTTPS, in a file only its owner may read (chmod 600).")
    var tlsKey: String?

    @Flag(name: .customLong("sign-profiles"), help: "Sign the Apple profiles served (with --sign-cert/--sign-key, else the https certificate).")
    var signProfiles = false

    @Option(name: .customLong("sign-cert"), help: ArgumentHelp("PEM certificate (its intermediates after it) to sign profiles with.", valueName: "file"))
    var signCert: String?

    @Option(name: .customLong("sign-key"), help: ArgumentHelp("PEM private key of --sign-cert (a file only its owner may read).", valueName: "file"))
    var signKey: String?

    @Flag(name: .customLong("all-domains"), help: "Answer for every mail domain the catalog knows, not only organisation domains.")
    var allDomains = false

    @Flag(name: .customLong("log-addresses"), help: "Write whole e-mail addresses in the access log (default: only the domain).")
    var logAddresses = false

    @Flag(name: .customLong("no-access-log"), help: "Write no line per request (errors and reloads are still logged).")
    var noAccessLog = false

    @Option(name: .customLong("public-url"), help: "Base URL clients reach this server at, for the JSON Autodiscover answer (default https://autodiscover.DOMAIN).")
    var publicURL: String?

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Seconds a kept-alive connection may wait for its next request.", valueName: "seconds"))
    var idleTimeout = 60.0

    @Option(name: .customLong("header-timeout"), help: ArgumentHelp("Seconds a request's head may take to arrive.", valueName: "seconds"))
    var headerTimeout = 10.0

    @Option(name: .customLong("max-connections"), help: ArgumentHelp("Connections open at once (default: from the open-file limit).", valueName: "n"))
    var maxConnections: Int?

    @Option(name: .customLong("http-port"), help: ArgumentHelp("Also listen with plain HTTP on this port (80 in production), where ACME HTTP-01 challenges are answered.", valueName: "port"))
    var httpPort: Int?

    @Option(name: .customLong("config-version"), help: ArgumentHelp("clientConfig version of Thunderbird's file: 1.1 (what clients read today) or 1.2 (the IETF draft).", valueName: "version"))
    var configVersion: ClientConfig.Version = .v1_1

    @Option(name: .customLong("admin"), help: ArgumentHelp(
        "Also serve the admin API (docs/admin-api.yaml) on this listener: HOST:PORT, or a port on 127.0.0.1.",
        valueName: "host:port"))
    var admin: String?

    @Option(name: .customLong("admin-token-file"), help: ArgumentHelp(
        "The admin API's bearer tokens (mode 0600): one LABEL:TOKEN per line, the label named in the log.",
        valueName: "file"))
    var adminTokenFile: String?

    @Option(name: .customLong("admin-verify-ca-file"), help: ArgumentHelp(
        "PEM CAs the admin API's 'verify' trusts (default: the system's).", valueName: "file"))
    var adminVerifyCAFile: String?

    @Option(name: .customLong("admin-tls-cert"), help: ArgumentHelp(
        "PEM certificate chain for the admin listener's HTTPS (its page's cookies are then Secure).", valueName: "file"))
    var adminTLSCert: String?

    @Option(name: .customLong("admin-tls-key"), help: ArgumentHelp("PEM private key for the admin listener's HTTPS (a file only its owner may read).", valueName: "file"))
    var adminTLSKey: String?

    @Option(name: .customLong("admin-max-connections"), help: ArgumentHelp(
        "Connections open at once on the admin listener (its head and idle timeouts are --header-timeout's and --idle-timeout's).",
        valueName: "n"))
    var adminMaxConnections = 32

    @OptionGroup var acme: ACMEOptions

    @OptionGroup var catalog: CatalogOptions

    func validate() throws {
        for (name, value) in [("--idle-timeout", idleTimeout), ("--header-timeout", headerTimeout)] where !(value > 0 && value <= 86_400) {
            throw ValidationError("\(name) \(value): expected seconds, more than 0 and at most 86400")
        }
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections \(maxConnections): expected 1 or more") }
        if adminMaxConnections < 1 { throw ValidationError("--admin-max-connections \(adminMaxConnections): expected 1 or more") }
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("give --tls-cert and --tls-key together") }
        if (signCert == nil) != (signKey == nil) { throw ValidationError("give --sign-cert and --sign-key together") }
        if signCert != nil && !signProfiles { throw ValidationError("--sign-cert and --sign-key are for --sign-profiles: add it") }
        if signProfiles && signCert == nil && tlsCert == nil && !acme.enabled {
            throw ValidationError("--sign-profiles needs a certificate: give --sign-cert and --sign-key, --tls-cert and --tls-key, or --acme-directory")
        }
        if let httpPort, !(1...65535).contains(httpPort) { throw ValidationError("--http-port \(httpPort): expected 1 to 65535") }
        if let httpPort, httpPort == port { throw ValidationError("--http-port \(httpPort) is --port too: give the plain-HTTP listener a port of its own") }
        try acme.validate(httpPort: httpPort)
        if (admin == nil) != (adminTokenFile == nil) { throw ValidationError("give --admin and --admin-token-file together") }
        if adminVerifyCAFile != nil && admin == nil { throw ValidationError("--admin-verify-ca-file is for the admin API: add --admin") }
        if (adminTLSCert == nil) != (adminTLSKey == nil) { throw ValidationError("give --admin-tls-cert and --admin-tls-key together") }
        if adminTLSCert != nil && admin == nil { throw ValidationError("--admin-tls-cert is for the admin listener: add --admin") }
        if let admin, AdminAPI.listenAddress(admin) == nil {
            throw ValidationError("--admin \(admin): expected HOST:PORT, [IPV6]:PORT or a port (on 127.0.0.1)")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port \(port): expected 0 to 65535") }
        if let publicURL, !(publicURL.hasPrefix("https://") || publicURL.hasPrefix("http://")) {
            throw ValidationError("--public-url \(publicURL): expected an http:// or https:// URL")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        try await ServeAssembly(configuration: ServeConfiguration(self), logger: Logger(label: "mailconf.serve")).run()
    }
}
