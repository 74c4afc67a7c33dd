extension String {
    /// `trimmingCharacters(in: .whitespaces)` without Foundation: drops leading and trailing
    /// tabs, space separators (Unicode category Zs) and U+200B, the same set. Foundation bridges the
    /// string to `NSString` for it, which showed in every request's profile (the
    /// `Authorization` header is trimmed on each one).
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isTrimmedWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.isTrimmedWhitespace })!
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return self }
        return String(scalars[first...last])
    }
}

extension Unicode.Scalar {
    /// In Foundation's `CharacterSet.whitespaces`: tab, the space separators, and the zero
    /// width space (a space separator in the Unicode version Foundation's set was made from).
    var isTrimmedWhitespace: Bool {
        if value < 0x80 { return value == 0x20 || value == 0x09 }
        return value == 0x200B || properties.generalCategory == .spaceSeparator
    }
}
