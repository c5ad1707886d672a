import CLibXML2

/// Writes XML through libxml2's text writer, which escapes every value; nothing is
/// concatenated by hand.
package final class XMLWriter {
    private let buffer: xmlBufferPtr
    private let writer: xmlTextWriterPtr
    private var finished = false

    package init(indent: Bool = true, declaration: Bool = true) {
        buffer = xmlBufferCreate()
        writer = xmlNewTextWriterMemory(buffer, 0)
        if indent {
            xmlTextWriterSetIndent(writer, 1)
            xmlTextWriterSetIndentString(writer, "  ")
        }
        if declaration {
            xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil)
        }
    }

    deinit {
        if !finished { xmlFreeTextWriter(writer) }
        xmlBufferFree(buffer)
    }

    package func start(_ name: String) {
        xmlTextWriterStartElement(writer, name)
    }

    package func attribute(_ name: String, _ value: String) {
        xmlTextWriterWriteAttribute(writer, name, value)
    }

    package func text(_ value: String) {
        xmlTextWriterWriteString(writer, value)
    }

    package func end() {
        xmlTextWriterEndElement(writer)
    }

    /// `<name attr…>text</name>` on one line.
    package func element(_ name: String, _ text: String, attributes: [(String, String)] = []) {
        start(name)
        for (k, v) in attributes { attribute(k, v) }
        self.text(text)
        end()
    }

    /// Writes a parsed element again, declaring its namespace where the document
    /// has not declared it already.
    func replay(_ element: XElement, declared: [String: String]) {
        start(element.qualifiedName)
        var scope = declared
        if let uri = element.namespaceURI, scope[element.prefix ?? ""] != uri {
            attribute(element.prefix.map { "xmlns:\($0)" } ?? "xmlns", uri)
            scope[element.prefix ?? ""] = uri
        }
        for (name, value) in element.attributes { attribute(name, value) }
        if element.hasElementChildren {
            for child in element.children {
                switch child {
                case .element(let e): replay(e, declared: scope)
                case .text(let t):
                    let trimmed = t.trimmingWhitespace()
                    if !trimmed.isEmpty { text(trimmed) }
                }
            }
        } else {
            text(element.text)
        }
        end()
    }

    /// `<!DOCTYPE name PUBLIC "publicID" "systemID">`: written, never fetched.
    package func doctype(_ name: String, publicID: String, systemID: String) {
        xmlTextWriterWriteDTD(writer, name, publicID, systemID, nil)
    }

    /// Can this text go into an XML 1.0 document at all? (No NUL or other C0 controls but
    /// tab, LF and CR; no U+FFFE/U+FFFF.) libxml2 escapes markup but passes these through.
    package static func isValidText(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { s in
            switch s.value {
            case 0x9, 0xA, 0xD: return true
            case 0..<0x20, 0xFFFE, 0xFFFF: return false
            default: return true
            }
        }
    }

    /// Ends the document and returns its text.
    package func finish() -> String {
        xmlTextWriterEndDocument(writer)
        xmlFreeTextWriter(writer)
        finished = true
        guard let content = xmlBufferContent(buffer) else { return "" }
        return String(cString: content)
    }
}
