import Mustache

// The board's per-row values answer swift-mustache's lookups through its `MustacheParent`
// protocol instead of reflection. A page of 50 assets has 1,500 history cells, and the library
// builds a `Mirror` of the value (boxing every field) for each `{{name}}` it looks up: perf put
// that at four fifths of `GET /` at 10,000 assets. An optional is answered unwrapped, nil when
// empty, as the library's own reflection does. `MustacheFieldsTests` checks every stored
// property is answered with the value reflection gives, so a field added to a row cannot
// silently render empty.

extension HistoryCell: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "href": href
        case "css": css
        case "glyph": glyph
        case "title": title
        default: nil
        }
    }
}

extension StateStyle: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "css": css
        case "glyph": glyph
        case "label": label
        default: nil
        }
    }
}

extension TimeView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "iso": iso
        case "relative": relative
        default: nil
        }
    }
}

extension StatusBoardView.AssetRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": self.name
        case "href": href
        case "style": style
        case "cause": cause
        case "failingSince": failingSince
        case "lastHealthy": lastHealthy
        case "lastRestore": lastRestore
        case "cells": cells
        case "schedule": schedule
        case "kind": kind
        default: nil
        }
    }
}
