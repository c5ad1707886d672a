import Foundation
import Testing
@testable import MailFormats

@Suite struct HostileXML {
    func read(_ text: String) throws(FormatError) -> ClientConfig.ReadResult {
        try ClientConfig.read(Array(text.utf8), source: "hostile.xml", fallbackID: "hostile")
    }

    let valid = "<clientConfig><emailProvider id=\"x\"><domain>x.com</domain><displayName>&e;</displayName>"
        + "<outgoingServer type=\"smtp\"><hostname>smtp.x.com</hostname><port>465</port><socketType>SSL</socketType>"
        + "<authentication>none</authentication></outgoingServer></emailProvider></clientConfig>"

    @Test func externalEntityIsRefused() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("mailconf-secret-\(UUID()).txt")
        try "TOPSECRET".write(to: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secret) }
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE clientConfig [<!ENTITY e SYSTEM \"file://\(secret.path)\">]>" + valid
        do {
            let r = try read(xml)
            Issue.record("accepted an external entity: \(r.provider.displayName)")
        } catch {
            #expect(error.kind == .forbiddenDTD)
            #expect(!error.description.contains("TOPSECRET"))
        }
    }

    @Test func billionLaughsIsRefused() {
        var dtd = "<!DOCTYPE clientConfig [<!ENTITY l0 \"ha\">"
        for i in 1...10 {
            dtd += "<!ENTITY l\(i) \"" + String(repeating: "&l\(i - 1);", count: 10) + "\">"
        }
        dtd += "<!ENTITY e \"&l10;\">]>"
        #expect(throws: FormatError.self) { try read(dtd + valid) }
    }

    @Test func networkDTDIsRefused() {
        let xml = "<!DOCTYPE clientConfig SYSTEM \"http://127.0.0.1:9/evil.dtd\">" + valid.replacingOccurrences(of: "&e;", with: "X")
        do { _ = try read(xml); Issue.record("accepted an external DTD") } catch { #expect(error.kind == .forbiddenDTD) }
    }

    @Test func entityReferenceWithoutDeclarationIsMalformed() {
        do { _ = try read(valid); Issue.record("accepted an undeclared entity") } catch { #expect(error.kind == .malformed) }
    }

    @Test func hundredMegabyteFileIsRefusedBeforeParsing() {
        var bytes = [UInt8](repeating: UInt8(ascii: " "), count: 100 * 1024 * 1024)
        bytes.replaceSubrange(0..<14, with: Array("<clientConfig>".utf8))
        do {
            _ = try ClientConfig.read(bytes, source: "big.xml", fallbackID: "big")
            Issue.record("accepted 100 MB")
        } catch {
            #expect(error.kind == .tooLarge)
            #expect(error.description.contains("big.xml"))
        }
    }

    @Test func deepNestingIsRefused() {
        let depth = 5000
        let xml = "<clientConfig>" + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth) + "</clientConfig>"
        do { _ = try read(xml); Issue.record("accepted deep nesting") } catch {
            #expect(error.kind == .tooDeep || error.kind == .malformed)
        }
        // Just over our own limit, well under libxml2's: our check answers.
        let shallow = "<clientConfig>" + String(repeating: "<a>", count: 40) + String(repeating: "</a>", count: 40) + "</clientConfig>"
        do { _ = try read(shallow); Issue.record("accepted 41 levels") } catch { #expect(error.kind == .tooDeep) }
    }

    @Test func wrongRootIsRefused() {
        do { _ = try read("<html><body/></html>"); Issue.record("accepted html") } catch {
            #expect(error.kind == .wrongRoot)
            #expect(error.message.contains("<html>"))
        }
    }

    @Test func nonUTF8IsRefusedWithLine() {
        var bytes = Array("<clientConfig>\n<emailProvider id=\"x\">\n<displayName>".utf8)
        bytes.append(0xE9) // Latin-1 é
        bytes.append(contentsOf: Array("</displayName></emailProvider></clientConfig>".utf8))
        do { _ = try ClientConfig.read(bytes, source: "latin1.xml", fallbackID: "x"); Issue.record("accepted Latin-1") } catch {
            #expect(error.kind == .notUTF8)
            #expect(error.line == 3)
        }
        let utf16: [UInt8] = [0xFF, 0xFE] + Array("<".utf8) + [0]
        do { _ = try ClientConfig.read(utf16, source: "u16.xml", fallbackID: "x"); Issue.record("accepted UTF-16") } catch {
            #expect(error.kind == .notUTF8)
        }
    }

    @Test func malformedXMLNamesTheLine() {
        do { _ = try read("<clientConfig>\n<emailProvider>\n</clientConfig>"); Issue.record("accepted malformed") } catch {
            #expect(error.kind == .malformed)
            #expect(error.line == 3)
        }
    }

    @Test func doctypeInsideACommentIsHarmless() throws {
        let xml = "<!-- <!DOCTYPE x> -->" + valid.replacingOccurrences(of: "&e;", with: "X")
        #expect(try read(xml).provider.displayName == "X")
    }
}
