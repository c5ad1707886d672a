/// An element of a parsed XML document, detached from libxml2 so it can be read
/// with plain Swift. Comments and processing instructions are not kept.
public struct XElement: Hashable, Sendable {
    public var name: String
    public var prefix: String?
    public var namespaceURI: String?
    /// Attributes in document order (name as written, without prefix handling).
    public var attributes: [(name: String, value: String)]
    public var children: [XNode]
    /// Line in the source, when known.
    public var line: Int?

    public init(name: String, prefix: String? = nil, namespaceURI: String? = nil,
                attributes: [(name: String, value: String)] = [], children: [XNode] = [], line: Int? = nil) {
        self.name = name
        self.prefix = prefix
        self.namespaceURI = namespaceURI
        self.attributes = attributes
        self.children = children
        self.line = line
    }

    public static func == (a: XElement, b: XElement) -> Bool {
        a.name == b.name && a.prefix == b.prefix && a.namespaceURI == b.namespaceURI
            && a.attributes.map(\.name) == b.attributes.map(\.name)
            && a.attributes.map(\.value) == b.attributes.map(\.value)
            && a.children == b.children
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(namespaceURI)
        hasher.combine(children)
    }

    /// The name as written in the file: `prefix:name` or `name`.
    public var qualifiedName: String { prefix.map { "\($0):\(name)" } ?? name }

    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    public var elements: [XElement] {
        children.compactMap { if case .element(let e) = $0 { return e } else { return nil } }
    }

    /// Child elements with this local name and no namespace.
    public func elements(named name: String) -> [XElement] {
        elements.filter { $0.name == name && $0.namespaceURI == nil }
    }

    /// Child elements with this local name in this namespace.
    public func elements(named name: String, namespace: String) -> [XElement] {
        elements.filter { $0.name == name && $0.namespaceURI == namespace }
    }

    /// The concatenated text of direct text children.
    public var text: String {
        children.map { if case .text(let t) = $0 { return t } else { return "" } }.joined()
    }

    /// True when the element has child elements.
    public var hasElementChildren: Bool { children.contains { if case .element = $0 { return true } else { return false } } }
}

public indirect enum XNode: Hashable, Sendable {
    case element(XElement)
    case text(String)
}
