import CLibXML2

/// Limits for XML that comes from outside.
public struct XMLLimits: Sendable {
    public var maxBytes: Int
    public var maxDepth: Int
    public var maxNodes: Int
    public init(maxBytes: Int = 1 << 20, maxDepth: Int = 32, maxNodes: Int = 20_000) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
    }
    /// Clientconfig files are a few kilobytes; 1 MiB leaves room and refuses abuse.
    public static let untrusted = XMLLimits()
}

/// Parses untrusted XML with libxml2: no DTD (internal or external), no entity
/// expansion, no network, a deny-all entity loader, UTF-8 only, bounded size, depth
/// and node count.
public enum SafeXMLParser {
    private static let setUp: Void = {
        xmlInitParser()
        mailconf_install_deny_loader()
    }()

    public static func parse(_ bytes: [UInt8], source: String, limits: XMLLimits = .untrusted) throws(FormatError) -> XElement {
        _ = setUp
        guard bytes.count <= limits.maxBytes else {
            throw FormatError(.tooLarge, source: source,
                              "the file is \(bytes.count) bytes, over the limit of \(limits.maxBytes) bytes")
        }
        try checkUTF8(bytes, source: source)
        try refuseDTD(bytes, source: source)

        guard let ctxt = xmlNewParserCtxt() else {
            throw FormatError(.malformed, source: source, "libxml2 could not create a parser")
        }
        defer { xmlFreeParserCtxt(ctxt) }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                            | XML_PARSE_NOCDATA.rawValue)
        let doc = bytes.withUnsafeBufferPointer { buffer -> xmlDocPtr? in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                xmlCtxtReadMemory(ctxt, chars.baseAddress, Int32(chars.count), source, "UTF-8", options)
            }
        }
        guard let doc else {
            var line: Int?
            var message = "not well-formed XML"
            if let error = xmlCtxtGetLastError(ctxt) {
                line = Int(error.pointee.line)
                if let m = error.pointee.message {
                    message = String(cString: m).trimmingWhitespace()
                }
            }
            throw FormatError(.malformed, source: source, line: line, message)
        }
        defer { xmlFreeDoc(doc) }
        if doc.pointee.intSubset != nil || doc.pointee.extSubset != nil {
            throw FormatError(.forbiddenDTD, source: source, "a DOCTYPE is not accepted in this file")
        }
        guard let root = xmlDocGetRootElement(doc) else {
            throw FormatError(.malformed, source: source, "the document has no root element")
        }
        var count = 0
        return try convert(root, depth: 1, count: &count, source: source, limits: limits)
    }

    private static func convert(_ node: xmlNodePtr, depth: Int, count: inout Int, source: String,
                                limits: XMLLimits) throws(FormatError) -> XElement {
        let line = Int(xmlGetLineNo(node))
        guard depth <= limits.maxDepth else {
            throw FormatError(.tooDeep, source: source, line: line,
                              "elements are nested more than \(limits.maxDepth) deep")
        }
        var element = XElement(name: string(node.pointee.name) ?? "", line: line > 0 ? line : nil)
        if let ns = node.pointee.ns {
            element.namespaceURI = string(ns.pointee.href)
            element.prefix = string(ns.pointee.prefix)
        }
        var attr = node.pointee.properties
        while let a = attr {
            let name = string(a.pointee.name) ?? ""
            var value = ""
            if let content = xmlNodeListGetString(node.pointee.doc, a.pointee.children, 1) {
                value = String(cString: content)
                mailconf_xml_free(content)
            }
            let qualified = a.pointee.ns.flatMap { string($0.pointee.prefix) }.map { "\($0):\(name)" } ?? name
            element.attributes.append((qualified, value))
            attr = a.pointee.next
        }
        var child = node.pointee.children
        while let c = child {
            count += 1
            guard count <= limits.maxNodes else {
                throw FormatError(.tooManyNodes, source: source, line: Int(xmlGetLineNo(c)),
                                  "the document has more than \(limits.maxNodes) nodes")
            }
            switch c.pointee.type {
            case XML_ELEMENT_NODE:
                element.children.append(.element(try convert(c, depth: depth + 1, count: &count, source: source, limits: limits)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let text = string(c.pointee.content) {
                    if case .text(let previous)? = element.children.last {
                        element.children[element.children.count - 1] = .text(previous + text)
                    } else {
                        element.children.append(.text(text))
                    }
                }
            case XML_ENTITY_REF_NODE, XML_ENTITY_NODE, XML_ENTITY_DECL:
                throw FormatError(.forbiddenDTD, source: source, line: Int(xmlGetLineNo(c)),
                                  "entity references are not accepted")
            default:
                break // comments, processing instructions
            }
            child = c.pointee.next
        }
        return element
    }

    private static func string(_ p: UnsafePointer<xmlChar>?) -> String? {
        p.map { String(cString: $0) }
    }

    /// Refuses anything that is not UTF-8 (a UTF-16 file, Latin-1 bytes, a stray NUL).
    static func checkUTF8(_ bytes: [UInt8], source: String) throws(FormatError) {
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            throw FormatError(.notUTF8, source: source, line: 1, "the file is UTF-16; save it as UTF-8")
        }
        var line = 1
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x0A { line += 1 }
            if b == 0 {
                throw FormatError(.notUTF8, source: source, line: line, "the file contains a NUL byte")
            }
            let length: Int
            switch b {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: length = 0
            }
            var valid = length > 0 && i + length <= n
            if valid && length > 1 {
                for k in 1..<length where bytes[i + k] & 0xC0 != 0x80 { valid = false }
                if valid {
                    let b1 = bytes[i + 1]
                    if b == 0xE0 && b1 < 0xA0 { valid = false }        // overlong
                    if b == 0xED && b1 > 0x9F { valid = false }        // surrogates
                    if b == 0xF0 && b1 < 0x90 { valid = false }        // overlong
                    if b == 0xF4 && b1 > 0x8F { valid = false }        // above U+10FFFF
                }
            }
            guard valid else {
                throw FormatError(.notUTF8, source: source, line: line,
                                  "byte \(i) (0x\(String(b, radix: 16, uppercase: true))) is not valid UTF-8; save the file as UTF-8")
            }
            i += length
        }
    }

    /// A DOCTYPE is where entities (and billion-laughs expansions) are declared;
    /// clientConfig never needs one, so it is refused before libxml2 sees the file.
    private static let doctype: [UInt8] = Array("<!DOCTYPE".utf8)
    private static let entity: [UInt8] = Array("<!ENTITY".utf8)
    private static let commentStart: [UInt8] = Array("<!--".utf8)
    private static let commentEnd: [UInt8] = Array("-->".utf8)

    static func refuseDTD(_ bytes: [UInt8], source: String) throws(FormatError) {
        var line = 1
        var i = 0
        var inComment = false
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x0A { line += 1 }
            if b == 0x3C /* < */ {
                if !inComment, matches(bytes, at: i, commentStart) {
                    inComment = true
                    i += 4
                    continue
                }
                if !inComment, matches(bytes, at: i, doctype) || matches(bytes, at: i, entity) {
                    throw FormatError(.forbiddenDTD, source: source, line: line,
                                      "a DOCTYPE or entity declaration is not accepted (it could load files or expand without bound)")
                }
            }
            if inComment, b == 0x2D, matches(bytes, at: i, commentEnd) {
                inComment = false
                i += 3
                continue
            }
            i += 1
        }
    }

    private static func matches(_ bytes: [UInt8], at i: Int, _ needle: [UInt8]) -> Bool {
        guard i + needle.count <= bytes.count else { return false }
        for k in 0..<needle.count where bytes[i + k] != needle[k] { return false }
        return true
    }
}

extension String {
    /// Without leading and trailing XML whitespace (space, tab, CR, LF).
    func trimmingWhitespace() -> String {
        let bytes = utf8
        guard let first = bytes.firstIndex(where: { !isXMLSpace($0) }) else { return "" }
        let last = bytes.lastIndex(where: { !isXMLSpace($0) })!
        if first == bytes.startIndex && last == bytes.index(before: bytes.endIndex) { return self }
        return String(self[first...last])
    }

    /// Runs of XML whitespace (line breaks included) made one space, ends trimmed:
    /// free text such as a display name, as one line.
    func collapsingWhitespace() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var pendingSpace = false
        for b in utf8 {
            if isXMLSpace(b) {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(0x20); pendingSpace = false }
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

@inline(__always) func isXMLSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
