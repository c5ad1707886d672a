import Foundation
import GRDB
import Testing
import TestSupport
@testable import Catalog
import MailFormats
import MailSettings

@Suite struct Import {
    @Test(.needs(.ispdb), arguments: Backend.available)
    func wholeISPDBImportsAndRoundTrips(_ backend: Backend) throws {
        let ispdb = try #require(TestEnvironment.ispdbDirectory())
        let place = try TestCatalog(backend)
        let catalog = try place.open()
        let report = try catalog.importFiles([ispdb.path])
        let files = try FileManager.default.contentsOfDirectory(atPath: ispdb.path).filter { $0.hasSuffix(".xml") }
        #expect(report.skipped == [])
        #expect(report.imported.count == files.count)
        #expect(files.count >= 163)
        // office365.com.xml has "%EMAILADDRESS" without its closing %: kept and reported.
        #expect(report.warnings.contains { $0.file.hasSuffix("office365.com.xml") && $0.message.contains("not closed") })

        for file in files {
            let original = try ClientConfig.read([UInt8](Data(contentsOf: ispdb.appendingPathComponent(file))),
                                                 source: file, fallbackID: String(file.dropLast(4))).provider
            let stored = try #require(try catalog.entry(id: original.id), "\(file) missing")
            #expect(stored.origin == .imported)
            let exported = try ClientConfig.write(stored.provider)
            let again = try ClientConfig.read(Array(exported.utf8), source: "export of \(file)", fallbackID: "x").provider
            #expect(again.servers == original.servers, "\(file): servers differ after import/export")
            #expect(again.domains == original.domains, "\(file)")
            #expect(again.documentation == original.documentation, "\(file)")
            #expect(again.displayName == original.displayName, "\(file)")
            #expect(again == original, "\(file)")
        }

        let second = try catalog.importFiles([ispdb.path])
        #expect(second.unchanged.count == files.count)
        #expect(second.imported.isEmpty && second.updated.isEmpty)
        // Presets win over imported files for the same domain.
        #expect(try catalog.resolve("gmail.com").origin == .preset)
        #expect(try catalog.resolve("alice@googlemail.com").provider.id == "gmail")
        // A name that is an id is taken as the id, even when it is also a domain.
        #expect(try catalog.resolve("googlemail.com").provider.id == "googlemail.com")
    }

    @Test(arguments: Backend.available) func badFilesAreSkippedAndChangeNothing(_ backend: Backend) throws {
        let place = try TestCatalog(backend)
        let dir = place.dir
        let catalog = try place.open()
        let good = dir.file("example.org.xml", validFile)
        let hostile = dir.file("xxe.xml", "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<clientConfig/>")
        let broken = dir.file("broken.xml", "<clientConfig>\n<emailProvider id=\"b\">\n</clientConfig>")
        var latin1 = Data(validFile.replacingOccurrences(of: "Example", with: "Exampl?").utf8)
        latin1[latin1.firstIndex(of: UInt8(ascii: "?"))!] = 0xE9
        let latin = dir.url.appendingPathComponent("latin1.xml").path
        #expect(FileManager.default.createFile(atPath: latin, contents: latin1))
        let big = dir.url.appendingPathComponent("big.xml").path
        #expect(FileManager.default.createFile(atPath: big, contents: Data(count: Catalog.maxImportFileBytes + 1)))
        let wrongRoot = dir.file("page.xml", "<html><body>hi</body></html>")
        let before = try catalog.entries().count
        let report = try catalog.importFiles([good, hostile, broken, latin, big, wrongRoot, dir.url.appendingPathComponent("absent.xml").path])
        #expect(report.imported == ["example.org"])
        let skipped = Dictionary(uniqueKeysWithValues: report.skipped.map { (($0.file as NSString).lastPathComponent, $0) })
        #expect(skipped.count == 6)
        #expect(skipped["xxe.xml"]?.line == 2)
        #expect(skipped["xxe.xml"]?.reason.contains("DOCTYPE") == true)
        #expect(skipped["broken.xml"]?.line == 3)
        #expect(skipped["latin1.xml"]?.reason.contains("UTF-8") == true)
        #expect(skipped["big.xml"]?.reason.contains("over the limit") == true)
        #expect(skipped["page.xml"]?.reason.contains("<html>") == true)
        #expect(skipped["absent.xml"]?.reason == "no such file or folder")
        #expect(try catalog.entries().count == before + 1)
    }

    /// A provider whose servers log in with Kerberos (as in a university's or company's
    /// own clientConfig file) keeps GSSAPI through import, the catalog, and back to a file.
    @Test(arguments: Backend.available) func kerberosSettingsSurviveImportAndExport(_ backend: Backend) throws {
        let place = try TestCatalog(backend)
        let dir = place.dir
        let catalog = try place.open()
        let kerberos = validFile
            .replacingOccurrences(of: "<authentication>password-cleartext</authentication>",
                                  with: "<authentication>GSSAPI</authentication>\n      <authentication>password-cleartext</authentication>")
        #expect(try catalog.importFiles([dir.file("example.org.xml", kerberos)]).imported == ["example.org"])
        let stored = try #require(try catalog.entry(id: "example.org")).provider
        #expect(stored.servers.first?.authentication == [.gssapi, .passwordCleartext])
        let written = try ClientConfig.write(stored)
        #expect(written.contains("<authentication>GSSAPI</authentication>"))
        let back = try ClientConfig.read(Array(written.utf8), source: "written", fallbackID: "example.org").provider
        #expect(back.servers.first?.authentication == [.gssapi, .passwordCleartext])
    }

    /// What clientConfig 1.2 adds is stored and read back whole: SASL and HTTP
    /// choices, JMAP, services beside mail, MX domains and the OAuth2 endpoints.
    @Test(arguments: Backend.available) func clientConfig12SettingsSurviveTheCatalog(_ backend: Backend) throws {
        let place = try TestCatalog(backend)
        let dir = place.dir
        let catalog = try place.open()
        let file = """
        <clientConfig version="1.2"><emailProvider id="example.org"><domain>example.org</domain>
        <domain purpose="mx">mx.example.net</domain><displayName>Example</displayName>
        <incomingServer type="jmap"><url>https://jmap.example.org/session</url><authentication>OAuth2</authentication>
        <authentication system="http">Basic</authentication></incomingServer>
        <outgoingServer type="smtp"><hostname>smtp.example.org</hostname><port>465</port><socketType>SSL</socketType>
        <authentication system="sasl">SCRAM-SHA-256</authentication></outgoingServer></emailProvider>
        <addressbook type="carddav"><url>https://dav.example.org/</url><authentication system="http">Digest</authentication></addressbook>
        <setupServer type="managesieve"><hostname>sieve.example.org</hostname><port>4190</port><socketType>STARTTLS</socketType>
        <authentication system="sasl">PLAIN</authentication></setupServer>
        <oAuth2><authURL>https://login.example.org/a</authURL><tokenURL>https://login.example.org/t</tokenURL>
        <scope>mail dav</scope></oAuth2></clientConfig>
        """
        let original = try ClientConfig.read(Array(file.utf8), source: "example.org.xml", fallbackID: "example.org").provider
        #expect(try catalog.importFiles([dir.file("example.org.xml", file)]).imported == ["example.org"])
        let stored = try #require(try catalog.entry(id: "example.org")).provider
        #expect(stored == original)
        #expect(stored.servers.last?.authenticationChoices == [.sasl("SCRAM-SHA-256"), .method(.passwordEncrypted)])
        #expect(stored.services.map(\.type) == ["carddav", "managesieve"])
        #expect(stored.mxDomains == ["mx.example.net"])
        #expect(stored.oauth2?.scope == "mail dav")
        // Reopened by another process, as serve does.
        let again = try #require(try place.open(readOnly: true).entry(id: "example.org")).provider
        #expect(again == original)
    }

    @Test(arguments: Backend.available) func reimportReportsUpdatesAndNeverOverwritesPresetsOrUserData(_ backend: Backend) throws {
        let place = try TestCatalog(backend)
        let dir = place.dir
        let catalog = try place.open()
        let path = dir.file("example.org.xml", validFile)
        #expect(try catalog.importFiles([path]).imported == ["example.org"])
        _ = dir.file("example.org.xml", validFile.replacingOccurrences(of: "<port>465</port>", with: "<port>2465</port>"))
        let second = try catalog.importFiles([path])
        #expect(second.updated == ["example.org"])
        #expect(try catalog.entry(id: "example.org")?.provider.servers.first?.port == 2465)
        // A file whose name collides with a preset id is skipped, not merged.
        let clash = dir.file("gmail.xml", validFile)
        let third = try catalog.importFiles([clash])
        #expect(third.skipped.first?.reason.contains("preset") == true)
        #expect(try catalog.entry(id: "gmail")?.origin == .preset)
    }
}
