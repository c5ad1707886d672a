import Foundation
import Testing
import TestSupport

private let prefix = ProcessInfo.processInfo.environment["MAILCONF_INSTALLED_PREFIX"]

/// What `scripts/install.sh` installed (scripts/test.sh runs it into a temporary prefix
/// before the tests): the binary, a man page per subcommand that man renders cleanly,
/// completions the shells accept, and a unit systemd-analyze verifies.
@Suite(.needs(.installedPrefix))
struct InstalledTree {
    let root = URL(fileURLWithPath: prefix ?? "/nonexistent")

    func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    @Test func theBinaryRuns() throws {
        let r = try Tool.run(path("bin/mailconf"), ["--version"])
        #expect(r.status == 0 && !r.stdout.isEmpty, "\(r.stderr)")
    }

    @Test(.needs(.man))
    func everyManPageRendersCleanly() throws {
        let dir = path("share/man/man1")
        let pages = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".1.gz") }
        for command in ["mailconf", "mailconf.serve", "mailconf.verify", "mailconf.export", "mailconf.domains.add", "mailconf.discover"] {
            #expect(pages.contains("\(command).1.gz"), "no man page for \(command)")
        }
        for page in pages {
            let r = try Tool.run("man", ["-l", "\(dir)/\(page)"], environment: ["MANPAGER": "cat", "MANWIDTH": "80", "PATH": "/usr/bin:/bin"])
            #expect(r.status == 0, "\(page): \(r.stderr)")
            #expect(r.stderr.isEmpty, "\(page) renders with warnings: \(r.stderr)")
            #expect(r.stdout.contains("NAME") && r.stdout.contains("SYNOPSIS"), "\(page)")
        }
        let serve = try Tool.run("man", ["-l", "\(dir)/mailconf.serve.1.gz"], environment: ["MANPAGER": "cat", "PATH": "/usr/bin:/bin"])
        #expect(serve.stdout.contains("--header-timeout"))
    }

    @Test func theCompletionScriptsAreAccepted() throws {
        let bash = path("share/bash-completion/completions/mailconf")
        let r = try Tool.run("bash", ["-n", bash])
        #expect(r.status == 0, "\(r.stderr)")
        // Sourced, it registers the completion and offers the subcommands.
        let offered = try Tool.run("bash", ["-c", "source \(bash); complete -p mailconf"])
        #expect(offered.status == 0 && offered.stdout.contains("mailconf"), "\(offered.stderr)")
        #expect(try String(contentsOfFile: path("share/zsh/vendor-completions/_mailconf"), encoding: .utf8).hasPrefix("#compdef mailconf"))
        if Tool.path("zsh") != nil { #expect(try Tool.run("zsh", ["-n", path("share/zsh/vendor-completions/_mailconf")]).status == 0) }
        #expect(try String(contentsOfFile: path("share/fish/vendor_completions.d/mailconf.fish"), encoding: .utf8).contains("complete -c 'mailconf'"))
        if Tool.path("fish") != nil { #expect(try Tool.run("fish", ["-n", path("share/fish/vendor_completions.d/mailconf.fish")]).status == 0) }
    }

    @Test(.needs(.systemdAnalyze))
    func theUnitVerifies() throws {
        let unit = path("lib/systemd/system/mailconf.service")
        let text = try String(contentsOfFile: unit, encoding: .utf8)
        #expect(text.contains("ExecStart=\(root.path)/bin/mailconf serve"))
        for line in ["Type=notify", "DynamicUser=yes", "ProtectSystem=strict", "ProtectHome=yes", "NoNewPrivileges=yes", "PrivateTmp=yes",
                     "AmbientCapabilities=CAP_NET_BIND_SERVICE", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE",
                     "SystemCallFilter=@system-service", "ExecReload=/bin/kill -HUP $MAINPID"] {
            #expect(text.contains("\n\(line)\n"), "the unit lacks \(line)")
        }
        #expect(text.contains("\nRestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX\n"))
        // MANPATH: its Documentation= names the installed page, which systemd-analyze looks up.
        let r = try Tool.run("systemd-analyze", ["verify", unit],
                             environment: ["MANPATH": path("share/man"), "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"])
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stdout)\(r.stderr)")
    }
}
