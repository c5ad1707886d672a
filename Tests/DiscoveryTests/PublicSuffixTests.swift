import Foundation
import Testing
@testable import Discovery

/// MXBASEDOMAIN from the Public Suffix List: a small list in the list's own format for
/// the rules, then the real file Debian's publicsuffix package installs.
@Suite struct WhereRegistrableDomainsEnd {
    static let sample = PublicSuffixList(text: """
    // ===BEGIN ICANN DOMAINS===
    com
    uk
    co.uk
    // ck : https://en.wikipedia.org/wiki/.ck
    *.ck
    !www.ck
    // 公司.cn, an IDN suffix
    cn
    公司.cn
    // ===END ICANN DOMAINS===
    // ===BEGIN PRIVATE DOMAINS===
    // GitHub, Inc.
    github.io
    // ===END PRIVATE DOMAINS===
    """)

    @Test func coUKIsASuffixSoItsChildIsTheBase() {
        let l = Self.sample
        #expect(l.publicSuffix(of: "mx.example.co.uk") == "co.uk")
        #expect(l.registrableDomain(of: "mx.example.co.uk") == "example.co.uk")
        #expect(l.registrableDomain(of: "co.uk") == nil)
        #expect(MXSource.parents(of: "mx.example.co.uk", excluding: "a.test", suffixes: l) == ["example.co.uk"])
        #expect(MXSource.parents(of: "mx.example.co.uk", excluding: "a.test", suffixes: nil) == ["example.co.uk", "co.uk"],
                "without a list, the old walk asks co.uk")
        #expect(MXSource.parents(of: "ASPMX.L.Google.com", excluding: "a.test", suffixes: l) == ["l.google.com", "google.com"])
    }

    @Test func aWildcardAndItsException() {
        let l = Self.sample
        #expect(l.publicSuffix(of: "mail.anything.ck") == "anything.ck", "*.ck: every name under ck is a suffix")
        #expect(l.registrableDomain(of: "mx.shop.anything.ck") == "shop.anything.ck")
        #expect(l.registrableDomain(of: "anything.ck") == nil)
        #expect(l.publicSuffix(of: "mx.www.ck") == "ck", "!www.ck: www.ck is registrable after all")
        #expect(l.registrableDomain(of: "mx.www.ck") == "www.ck")
    }

    @Test func thePrivateSectionIsKeptApart() {
        let l = Self.sample
        #expect(l.registrableDomain(of: "mx.alice.github.io") == "alice.github.io")
        #expect(l.registrableDomain(of: "mx.alice.github.io", includingPrivate: false) == "github.io")
    }

    @Test func anIDNSuffixMatchesTheALabelsDNSGives() {
        #expect(Punycode.aLabel("公司") == "xn--55qx5d")
        #expect(Punycode.aLabel("bücher") == "xn--bcher-kva")
        #expect(Punycode.aLabel("example") == "example")
        let l = Self.sample
        #expect(l.publicSuffix(of: "mx.example.xn--55qx5d.cn") == "xn--55qx5d.cn")
        #expect(l.registrableDomain(of: "mx.example.xn--55qx5d.cn") == "example.xn--55qx5d.cn")
        // A name under no rule: the default rule `*` makes its last label the suffix.
        #expect(l.registrableDomain(of: "mx.example.unlisted") == "example.unlisted")
    }

    @Test func aMissingFileIsNamed() {
        #expect(throws: (any Error).self) { try PublicSuffixList(contentsOf: "/nonexistent/public_suffix_list.dat") }
    }

    @Test(.needs(.publicSuffixList))
    func theSystemsListReadsAsThePSLSaysItShould() throws {
        let l = try PublicSuffixList(contentsOf: PublicSuffixList.systemPath)
        #expect(l.registrableDomain(of: "mx.example.co.uk") == "example.co.uk")
        #expect(l.registrableDomain(of: "mx.www.ck") == "www.ck")
        #expect(l.publicSuffix(of: "a.b.ck") == "b.ck")
        #expect(l.registrableDomain(of: "mx.alice.github.io") == "alice.github.io")
        #expect(l.registrableDomain(of: "mx1.example.xn--55qx5d.cn") == "example.xn--55qx5d.cn")
        #expect(l.registrableDomain(of: "aspmx.l.google.com") == "google.com")
    }
}
