import FuzzSupport
import MailSettings

/// Three pieces, cut at NUL bytes: a username template as a clientConfig file or
/// `servers add --username` gives it, an address as a user or a request gives it, and
/// a real name. The strict and the lenient reading must agree on a clean template, and
/// the expansion must be the template with each placeholder replaced, nothing else.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var input = FuzzInput(data, size)
    let templateText = input.text()
    let addressText = input.text()
    let realName = input.text()

    let strict = try? UsernameTemplate(templateText)
    let lenient = try? UsernameTemplate.lenient(templateText)
    require((strict == nil) || (lenient != nil), "strict reads what lenient refuses: \(templateText)")
    if let strict, let (template, problems) = lenient {
        require(strict.parts == template.parts && problems.isEmpty && strict.problems.isEmpty, "strict and lenient differ on \(templateText)")
    }
    let address = try? EmailAddress(addressText)
    if let address {
        require(!address.domain.isEmpty && address.domain == address.domain.lowercased())
        require((try? EmailAddress(address.description)) == address, "\(address) does not read back as itself")
    }
    guard let (template, _) = lenient else { return 0 }
    require(template.text == templateText)
    let literal = template.parts.map { part -> String in
        if case .literal(let s) = part { return s } else { return "" }
    }.joined()
    require(template.isLiteral == !template.parts.contains { if case .placeholder = $0 { true } else { false } })
    if template.isLiteral { require(literal == templateText, "a literal template lost text: \(templateText)") }
    if let address {
        let expanded = template.expanded(for: address, realName: realName)
        if template.isLiteral { require(expanded == templateText) }
        if strict != nil {
            require(expanded == replacingTokens(templateText, address, realName), "\(templateText) expands to \(expanded)")
        }
    }
    return 0
}

@_cdecl("fuzz_username_main")
public func entry(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzz(data, size) }
}

/// A clean template's expansion as the format describes it, written apart from
/// mailconf's scanner: left to right, each `%NAME%` of a known placeholder replaced by
/// its value once (a value that holds a token is not expanded again).
func replacingTokens(_ text: String, _ address: EmailAddress, _ realName: String) -> String {
    var out = ""
    var rest = Substring(text)
    while let percent = rest.firstIndex(of: "%") {
        out += rest[..<percent]
        let after = rest.index(after: percent)
        if let close = rest[after...].firstIndex(of: "%"), let known = Placeholder(rawValue: String(rest[after..<close])) {
            out += known.value(for: address, realName: realName)
            rest = rest[rest.index(after: close)...]
        } else {
            out += "%"
            rest = rest[after...]
        }
    }
    return out + rest
}
