import Foundation
import Testing
import TestSupport

/// The web admin page in headless Chromium, driven by Selenium (Tests/Browser/admin_page.py
/// through scripts/browser.sh), against a real `mailconf serve --admin` and the lab's
/// Postfix. Then the catalog is read back: what the browser did is what was stored.
@Suite(.serialized) struct AdminPageInABrowser {

    /// Where the screenshots go: the build folder's test output, never the repository.
    static var screenshots: URL {
        if let explicit = ProcessInfo.processInfo.environment["MAILCONF_TEST_OUTPUT"] {
            return URL(fileURLWithPath: explicit).appendingPathComponent("browser")
        }
        return CLI.binary.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("test-output").appendingPathComponent("browser")
    }

    static var root: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }

    @Test(.needs(.lab, .browser))
    func signInAddADomainEditAndVerifyAServerInChromium() async throws {
        let lab = try #require(LabServers.current)
        let cli = CLI()
        defer { cli.cleanUp() }
        let token = (0..<40).map { _ in String("0123456789abcdef".randomElement()!) }.joined()
        let tokens = cli.dir.appendingPathComponent("tokens")
        try "browser:\(token)\n".write(to: tokens, atomically: true, encoding: .utf8)
        chmod(tokens.path, 0o600)
        // The user's server, set up wrong: implicit TLS on a STARTTLS port.
        let submission = lab.port(.submission)
        let added = try await cli.run(["servers", "add", "--provider", "lab-relay", "--protocol", "smtp", "--host", "127.0.0.1",
                                       "--port", String(submission), "--security", "tls", "--auth", "password-cleartext", "--json"])
        #expect(added.status == 0, "\(added.err)")
        let id = try #require(try (added.json() as? [String: Any])?["id"] as? Int, "\(added.out)")

        let adminPort = try await offThePool { () throws -> Int in
            let probe = try ServeProcess(cli)
            defer { probe.signal(SIGTERM); _ = probe.exitStatus(within: 10) }
            return probe.port
        }
        let server = try await ServeProcess.start(cli, arguments: [
            "--admin", "127.0.0.1:\(adminPort)", "--admin-token-file", tokens.path, "--admin-verify-ca-file", lab.caFile])
        defer { server.signal(SIGTERM); _ = server.exitStatus(within: 10) }

        let shots = Self.screenshots.appendingPathComponent(String(Int(Date().timeIntervalSince1970)))
        let run = try await offThePool {
            try Self.browser(["Tests/Browser/admin_page.py", "--admin", "http://127.0.0.1:\(adminPort)",
                              "--autoconfig", "http://127.0.0.1:\(server.port)", "--token-file", tokens.path,
                              "--server-id", String(id), "--user", lab.user, "--password-file", lab.passwordFile,
                              "--screenshots", shots.path], in: cli.dir)
        }
        print("browser run (screenshots in \(shots.path)):\n\(run.output)")
        #expect(run.status == 0, "\(run.output)\n--- serve:\n\(server.log)")
        #expect(run.output.contains("all steps passed"))
        let pngs = (try? FileManager.default.contentsOfDirectory(atPath: shots.path).filter { $0.hasSuffix(".png") }) ?? []
        #expect(pngs.count >= 8, "\(pngs)")

        // What the browser did, as the catalog holds it.
        let servers = try await cli.run(["servers", "list", "--json"])
        #expect(servers.out.contains("starttls"), "\(servers.out)")
        #expect(server.log.contains("admin page: browser signed in"))
        #expect(server.log.contains("verified server #\(id): works"), "\(server.log)")
        #expect(!server.log.contains(token))
        #expect(!server.log.contains(lab.passwordText.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    struct Run { var status: Int32; var output: String }

    /// scripts/browser.sh with `arguments`, its output (both streams) in a file.
    static func browser(_ arguments: [String], in dir: URL) throws -> Run {
        let output = dir.appendingPathComponent("browser-\(UUID()).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = root.appendingPathComponent("scripts/browser.sh")
        process.arguments = arguments
        process.currentDirectoryURL = root
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // browser.sh bounds the run itself (BROWSER_TIMEOUT); this is the backstop.
        let deadline = Date().addingTimeInterval(400)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate() }
        while process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        return Run(status: process.terminationStatus, output: (try? String(contentsOf: output, encoding: .utf8)) ?? "")
    }
}
