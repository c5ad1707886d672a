@testable import ClientExport
import Foundation
import MailSettings
import Testing
import TestSupport

/// The application frameworks' exports, read by the frameworks themselves (Debian's
/// python3-django, node-nodemailer, libphp-phpmailer, ruby-mail; Spring Boot is not in
/// Debian, so its properties are read by java.util.Properties and handed to Jakarta Mail
/// as Spring Boot hands them), each sending a message through the lab Postfix on its
/// STARTTLS submission port and its implicit-TLS port. The test finds each message in
/// the lab Maildir by a header of its own. The password is only ever in SMTP_PASSWORD.
@Suite(.serialized) struct FrameworkExportsSendForReal {
    enum Framework: String, CaseIterable, CustomTestStringConvertible {
        case django, nodemailer, phpmailer, ruby, spring
        var testDescription: String { rawValue }
        var format: ExportFormat { ExportFormat(rawValue: rawValue)! }

        /// What runs it (TestSupport's Requirement, which names its Debian packages).
        var requirement: Requirement {
            switch self {
            case .django: return .django
            case .nodemailer: return .nodemailer
            case .phpmailer: return .phpmailer
            case .ruby: return .rubyMail
            case .spring: return .jakartaMail
            }
        }

        static let phpmailerAutoload = "/usr/share/php/libphp-phpmailer/autoload.php"
        static let jakarta = "/usr/share/java/jakarta-mail.jar"
    }

    static let lab = LabServers.current

    /// The lab relay as a provider: localhost (the name on the lab certificate), `port`,
    /// `security`, a password login as the full address.
    static func provider(port: Int, security: ConnectionSecurity) throws -> Provider {
        let smtp = try ServerSetting(protocol: .smtp, hostname: Hostname("localhost"), port: Port(port), security: security,
                                     authentication: [.passwordCleartext], username: .emailAddress)
        return try Provider(id: "lab", displayName: "Lab relay", kind: .relay, domains: ["example.test"], servers: [smtp])
    }

    /// Runs the framework's reader: `send FILE FROM SUBJECT` sends one message, `user FILE`
    /// prints the username the framework read from the file.
    static func reader(_ framework: Framework, _ verb: String, file: URL, arguments: [String], in dir: TemporaryFolder,
                       password: String) throws -> Tool.Result {
        var env = ProcessInfo.processInfo.environment
        env["SMTP_PASSWORD"] = password
        let ca = lab?.caFile ?? ""
        switch framework {
        case .django:
            let script = try dir.write("django_send.py", """
                import os, sys
                import django
                from django.conf import settings
                names = {}
                exec(open(sys.argv[2], encoding="utf-8").read(), names)
                settings.configure(**{k: v for k, v in names.items() if k.isupper()})
                django.setup()
                if sys.argv[1] == "user":
                    sys.stdout.write(settings.EMAIL_HOST_USER)
                else:
                    from django.core.mail import send_mail
                    send_mail(sys.argv[4], "sent by Django from mailconf's export: " + sys.argv[4], sys.argv[3], [sys.argv[3]])
                """)
            // Debian's python, which has Debian's Django (not a python of its own on PATH).
            return try Tool.run("/usr/bin/python3", [script.path, verb, file.path] + arguments, environment: env)
        case .nodemailer:
            // Node's own way to trust another CA file.
            env["NODE_EXTRA_CA_CERTS"] = ca
            env["NODE_PATH"] = "/usr/share/nodejs"
            let script = try dir.write("nodemailer_send.js", """
                const fs = require("fs");
                const nodemailer = require("nodemailer");
                const [verb, file, from, subject] = process.argv.slice(2);
                const options = JSON.parse(fs.readFileSync(file, "utf8"));
                if (verb === "user") { process.stdout.write(options.auth.user); process.exit(0); }
                options.auth.pass = process.env.SMTP_PASSWORD;
                nodemailer.createTransport(options)
                  .sendMail({ from, to: from, subject, text: "sent by Nodemailer from mailconf's export: " + subject })
                  .then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
                """)
            return try Tool.run("node", [script.path, verb, file.path] + arguments, environment: env)
        case .phpmailer:
            let script = try dir.write("phpmailer_send.php", """
                <?php
                require '\(Framework.phpmailerAutoload)';
                [$self, $verb, $file] = $argv;
                $mail = new PHPMailer\\PHPMailer\\PHPMailer(true);
                require $file;
                if ($verb === 'user') { echo $mail->Username; exit(0); }
                // PHPMailer's own way to trust another CA file: the stream's SSL options.
                $mail->SMTPOptions = ['ssl' => ['cafile' => getenv('LAB_CA')]];
                $mail->setFrom($argv[3]);
                $mail->addAddress($argv[3]);
                $mail->Subject = $argv[4];
                $mail->Body = "sent by PHPMailer from mailconf's export: " . $argv[4];
                $mail->send();
                """)
            env["LAB_CA"] = ca
            return try Tool.run("php", [script.path, verb, file.path] + arguments, environment: env)
        case .ruby:
            let script = try dir.write("mail_send.rb", """
                require "mail"
                verb, file, from, subject = ARGV
                load file
                if verb == "user"
                  print MAILCONF_SMTP_SETTINGS[:user_name]
                  exit 0
                end
                # The mail gem's own way to trust another CA file.
                settings = MAILCONF_SMTP_SETTINGS.merge(ca_file: ENV.fetch("LAB_CA"))
                message = Mail.new do
                  from from
                  to from
                  subject subject
                  body "sent by the mail gem from mailconf's export: #{subject}"
                end
                message.delivery_method(:smtp, settings)
                message.deliver!
                """)
            env["LAB_CA"] = ca
            return try Tool.run("ruby", [script.path, verb, file.path] + arguments, environment: env)
        case .spring:
            // As Spring Boot's MailSenderPropertiesConfiguration does: spring.mail.host,
            // port, username, password and protocol to the sender, spring.mail.properties.*
            // to the Jakarta Mail session as they are; ${VAR} resolved from the environment.
            let script = try dir.write("SpringMail.java", """
                import java.io.*;
                import java.util.*;
                import jakarta.mail.*;
                import jakarta.mail.internet.*;
                public class SpringMail {
                    public static void main(String[] a) throws Exception {
                        Properties file = new Properties();
                        try (Reader in = new InputStreamReader(new FileInputStream(a[1]), "UTF-8")) { file.load(in); }
                        if (a[0].equals("user")) { System.out.print(file.getProperty("spring.mail.username")); return; }
                        Properties session = new Properties();
                        String prefix = "spring.mail.properties.";
                        for (String k : file.stringPropertyNames()) {
                            if (k.startsWith(prefix)) session.put(k.substring(prefix.length()), file.getProperty(k));
                        }
                        Session s = Session.getInstance(session);
                        MimeMessage m = new MimeMessage(s);
                        m.setFrom(new InternetAddress(a[2]));
                        m.setRecipients(Message.RecipientType.TO, a[2]);
                        m.setSubject(a[3]);
                        m.setText("sent by Jakarta Mail with mailconf's Spring Boot properties: " + a[3]);
                        Transport t = s.getTransport(file.getProperty("spring.mail.protocol"));
                        t.connect(file.getProperty("spring.mail.host"), Integer.parseInt(file.getProperty("spring.mail.port")),
                                  file.getProperty("spring.mail.username"), resolve(file.getProperty("spring.mail.password")));
                        t.sendMessage(m, m.getAllRecipients());
                        t.close();
                    }
                    static String resolve(String v) {
                        if (v != null && v.startsWith("${") && v.endsWith("}")) return System.getenv(v.substring(2, v.length() - 1));
                        return v;
                    }
                }
                """)
            // The JVM's own way to trust another CA: a trust store (reading the file back
            // connects nowhere, and needs none).
            var trust: [String] = []
            if verb != "user" {
                let store = dir.url.appendingPathComponent("truststore.p12").path
                if !FileManager.default.fileExists(atPath: store) {
                    let imported = try Tool.run("keytool", ["-importcert", "-noprompt", "-alias", "lab", "-file", ca, "-keystore", store,
                                                            "-storetype", "PKCS12", "-storepass", "changeit"])
                    guard imported.status == 0 else { return imported }
                }
                trust = ["-Djavax.net.ssl.trustStore=\(store)", "-Djavax.net.ssl.trustStorePassword=changeit", "-Djavax.net.ssl.trustStoreType=PKCS12"]
            }
            let classpath = ["/usr/share/java/jakarta-mail.jar", "/usr/share/java/jakarta-activation.jar"].joined(separator: ":")
            return try Tool.run("java", trust + ["-cp", classpath, script.path, verb, file.path] + arguments, environment: env)
        }
    }

    static let securities: [ConnectionSecurity] = [.starttls, .tls]

    // One test per framework, so that a missing one is reported skipped on its own.
    @Test(.needs(.lab, .django), arguments: securities)
    func djangoSendsThroughTheLabRelay(_ security: ConnectionSecurity) async throws { try await send(.django, security) }
    @Test(.needs(.lab, .nodemailer), arguments: securities)
    func nodemailerSendsThroughTheLabRelay(_ security: ConnectionSecurity) async throws { try await send(.nodemailer, security) }
    @Test(.needs(.lab, .phpmailer), arguments: securities)
    func phpmailerSendsThroughTheLabRelay(_ security: ConnectionSecurity) async throws { try await send(.phpmailer, security) }
    @Test(.needs(.lab, .rubyMail), arguments: securities)
    func rubyMailSendsThroughTheLabRelay(_ security: ConnectionSecurity) async throws { try await send(.ruby, security) }
    @Test(.needs(.lab, .jakartaMail), arguments: securities)
    func springSendsThroughTheLabRelay(_ security: ConnectionSecurity) async throws { try await send(.spring, security) }

    /// The framework's export sends a message through the lab relay, which delivers it.
    func send(_ framework: Framework, _ security: ConnectionSecurity) async throws {
        let lab = try #require(Self.lab)
        let port = lab.port(security == .tls ? .smtps : .submission)
        let text = try framework.format.render(try Self.provider(port: port, security: security), address: try EmailAddress(lab.user))
        let password = lab.passwordText.trimmingCharacters(in: .newlines)
        #expect(!text.contains(password))
        #expect(text.contains("SMTP_PASSWORD") || framework == .nodemailer, "each file says where the secret comes from")
        let dir = TemporaryFolder()
        let file = try dir.write(framework.format.suggestedFileName, text)
        // Short enough that no framework folds the Subject line across it.
        let marker = "mailconf-\(UUID().uuidString.prefix(18))"
        let sent = try await offThePool {
            try Self.reader(framework, "send", file: file, arguments: [lab.user, marker], in: dir, password: password)
        }
        #expect(sent.status == 0, "\(framework) on \(security): \(sent.stderr)\n\(sent.stdout)\n--- file:\n\(text)")
        #expect(!sent.stderr.contains(password) && !sent.stdout.contains(password))
        let delivered = await lab.deliveredMessage(containing: marker) != nil
        #expect(delivered, "\(framework)'s message on \(security) did not reach \(lab.maildir.path)")
    }

    /// A username no framework's source could hold bare comes back byte for byte, read
    /// by the framework itself; Spring refuses `${`, which it would resolve.
    @Test(.needs(.django)) func djangoReadsAHostileUsernameBack() async throws { try await readHostileUsername(.django) }
    @Test(.needs(.nodemailer)) func nodemailerReadsAHostileUsernameBack() async throws { try await readHostileUsername(.nodemailer) }
    @Test(.needs(.phpmailer)) func phpmailerReadsAHostileUsernameBack() async throws { try await readHostileUsername(.phpmailer) }
    @Test(.needs(.rubyMail)) func rubyMailReadsAHostileUsernameBack() async throws { try await readHostileUsername(.ruby) }
    @Test(.needs(.jakartaMail)) func springReadsAHostileUsernameBack() async throws { try await readHostileUsername(.spring) }

    func readHostileUsername(_ framework: Framework) async throws {
        let hostile = #"o'brien "q" \back\slash $HOME #{x} %s 100% ü € 𝄞 = : ! # end"#
        let smtp = try ServerSetting(protocol: .smtp, hostname: Hostname("smtp.example.org"), port: 587, security: .starttls,
                                     authentication: [.passwordCleartext], username: try UsernameTemplate.lenient(hostile).0)
        let provider = try Provider(id: "hostile", displayName: "Zürich \"Relay\" 'ß' ?> <?php echo 1;", kind: .relay, domains: ["example.org"], servers: [smtp])
        let text = try framework.format.render(provider)
        let dir = TemporaryFolder()
        let file = try dir.write(framework.format.suggestedFileName, text)
        let read = try await offThePool { try Self.reader(framework, "user", file: file, arguments: [], in: dir, password: "unused") }
        #expect(read.status == 0, "\(read.stderr)\n--- file:\n\(text)")
        #expect(read.stdout == hostile, "\(framework) read back \(read.stdout.debugDescription)\n--- file:\n\(text)")

        if framework == .spring {
            let placeholder = try ServerSetting(protocol: .smtp, hostname: Hostname("smtp.example.org"), port: 587, security: .starttls,
                                                authentication: [.passwordCleartext], username: try UsernameTemplate("a${b}c"))
            #expect(throws: ExportError.self) {
                try framework.format.render(try Provider(id: "p", displayName: "p", kind: .relay, domains: ["example.org"], servers: [placeholder]))
            }
        }
    }

    /// Every character class each language's quoting treats apart (control characters,
    /// C1 controls, line breaks, quotes, `#{`), read back by that language's own parser.
    @Test(.needs(.python3)) func pythonReadsItsLiteralsBack() throws { try readLiteralsBack(with: "python3") }
    @Test(.needs(.ruby)) func rubyReadsItsLiteralsBack() throws { try readLiteralsBack(with: "ruby") }
    @Test(.needs(.php)) func phpReadsItsLiteralsBack() throws { try readLiteralsBack(with: "php") }

    func readLiteralsBack(with tool: String) throws {
        let value = "a\tb\nc\r\u{1}d\u{7f}e\u{85}f \\ \" ' #{x} $HOME ü 𝄞"
        let readers: [(tool: String, literal: String, program: String)] = [
            ("python3", LanguageQuoting.python(value), "import sys; sys.stdout.write(eval(open(sys.argv[1], encoding='utf-8').read()))"),
            ("ruby", LanguageQuoting.ruby(value), "print eval(File.read(ARGV[0], encoding: 'UTF-8'))"),
            ("php", LanguageQuoting.php(value), "echo eval('return ' . file_get_contents($argv[1]) . ';');"),
        ]
        for reader in readers where reader.tool == tool {
            let dir = TemporaryFolder()
            let file = try dir.write("literal", reader.literal)
            let flag = reader.tool == "php" ? "-r" : reader.tool == "ruby" ? "-e" : "-c"
            let r = try Tool.run(reader.tool, [flag, reader.program] + (reader.tool == "php" ? ["--", file.path] : [file.path]))
            #expect(r.status == 0, "\(reader.tool): \(r.stderr)")
            #expect(r.stdout == value, "\(reader.tool) read \(r.stdout.debugDescription) from \(reader.literal)")
        }
    }

    /// Each framework's own switches, exactly: implicit TLS, STARTTLS required, or none.
    @Test func theSecuritySwitchesAreTheFrameworksOwn() throws {
        func render(_ f: ExportFormat, _ security: ConnectionSecurity) throws -> String {
            try f.render(try Self.provider(port: security == .tls ? 465 : 587, security: security), address: try EmailAddress("a@example.test"))
        }
        #expect(try render(.django, .starttls).contains("EMAIL_USE_TLS = True\nEMAIL_USE_SSL = False"))
        #expect(try render(.django, .tls).contains("EMAIL_USE_TLS = False\nEMAIL_USE_SSL = True"))
        let starttls = try JSONSerialization.jsonObject(with: Data(try render(.nodemailer, .starttls).utf8)) as? [String: Any]
        #expect(starttls?["secure"] as? Bool == false && starttls?["requireTLS"] as? Bool == true)
        let plain = try JSONSerialization.jsonObject(with: Data(try render(.nodemailer, .none).utf8)) as? [String: Any]
        #expect(plain?["ignoreTLS"] as? Bool == true, "secure: false alone would still upgrade")
        #expect(try render(.phpmailer, .none).contains("$mail->SMTPAutoTLS = false;"))
        #expect(try render(.phpmailer, .tls).contains("ENCRYPTION_SMTPS"))
        #expect(try render(.ruby, .starttls).contains("enable_starttls: true,\n  enable_starttls_auto: false,"))
        #expect(try render(.spring, .starttls).contains("mail.smtp.starttls.required=true"))
        #expect(try render(.spring, .tls).contains("mail.smtp.ssl.enable=true"))
        // CRAM-MD5: told where the framework can be told, refused where it has none.
        let cram = try Provider(id: "cram", displayName: "c", kind: .relay, domains: ["example.org"], servers: [
            try ServerSetting(protocol: .smtp, hostname: Hostname("smtp.example.org"), port: 587, security: .starttls,
                              authentication: [.passwordEncrypted], username: try UsernameTemplate("u"))])
        #expect(try ExportFormat.ruby.render(cram).contains("authentication: :cram_md5"))
        #expect(try ExportFormat.phpmailer.render(cram).contains("AuthType = 'CRAM-MD5'"))
        #expect(throws: ExportError.self) { try ExportFormat.spring.render(cram) }
    }
}
