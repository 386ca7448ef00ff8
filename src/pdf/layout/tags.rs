//! The structure tree as the layout builds it (tagged PDF). Block layout opens elements
//! (`P`, `H2`, `L`/`LI`/`LBody`, `Table`/`TR`/`TD`, `Figure`…) around the content it lays
//! out; every glyph run and image made while an element is current is tagged as its content.
//! Inline text is laid out through `&self` (and measured more than once), so the state lives
//! in a `RefCell` ([`Tags`]) and anything a measurement tags is simply never drawn.

use std::cell::RefCell;

use crate::pdf::draw::{Role, StructNode, Tag};

/// What new content belongs to. (The running header and footer are artifacts: pagination
/// tags them, outside the tree.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Current {
    Node(usize),
}

#[derive(Debug)]
pub(crate) struct TagState {
    nodes: Vec<StructNode>,
    current: Current,
    /// Reading-order counter shared by elements and content.
    counter: u32,
    /// Level of the last heading tagged (the title is 1).
    heading: u8,
}

/// The structure tree being built, shared by everything that lays out content.
#[derive(Debug)]
pub(crate) struct Tags(RefCell<TagState>);

impl TagState {
    pub(crate) fn new() -> RefCell<TagState> {
        RefCell::new(TagState {
            nodes: vec![StructNode {
                role: Role::Document,
                parent: None,
                order: 0,
                inline: false,
                alt: None,
            }],
            current: Current::Node(0),
            counter: 1,
            heading: 1,
        })
    }

    fn next(&mut self) -> u32 {
        self.counter = self.counter.saturating_add(1);
        self.counter
    }

    fn add(&mut self, role: Role, parent: usize, inline: bool) -> usize {
        let order = self.next();
        self.nodes.push(StructNode {
            role,
            parent: Some(parent.min(self.nodes.len() - 1)),
            order,
            inline,
            alt: None,
        });
        self.nodes.len() - 1
    }

    /// The node new elements go into: the current one.
    fn parent(&self) -> usize {
        let Current::Node(n) = self.current;
        n
    }
}

impl Tags {
    pub(crate) fn new() -> Tags {
        Tags(TagState::new())
    }

    /// A new element inside the current one; it becomes current.
    pub(crate) fn open_node(&self, role: Role) -> usize {
        let mut t = self.0.borrow_mut();
        let parent = t.parent();
        let id = t.add(role, parent, false);
        t.current = Current::Node(id);
        id
    }

    /// Ends element `id`: its parent becomes current again.
    pub(crate) fn close_node(&self, id: usize) {
        let mut t = self.0.borrow_mut();
        let parent = t.nodes.get(id).and_then(|n| n.parent).unwrap_or(0);
        t.current = Current::Node(parent);
    }

    /// A new element inside `parent`, leaving the current one as it is.
    pub(crate) fn child_node(&self, role: Role, parent: usize) -> usize {
        self.0.borrow_mut().add(role, parent, false)
    }

    /// A link inside the current element, read where its text is.
    pub(crate) fn inline_node(&self, role: Role) -> usize {
        let mut t = self.0.borrow_mut();
        let parent = t.parent();
        t.add(role, parent, true)
    }

    /// An inline element inside `parent` (a link inside a footnote reference).
    pub(crate) fn inline_child(&self, role: Role, parent: usize) -> usize {
        self.0.borrow_mut().add(role, parent, true)
    }

    /// Makes `c` current; returns what was.
    pub(crate) fn set_current(&self, c: Current) -> Current {
        std::mem::replace(&mut self.0.borrow_mut().current, c)
    }

    pub(crate) fn set_alt(&self, node: usize, alt: String) {
        if let Some(n) = self.0.borrow_mut().nodes.get_mut(node) {
            n.alt = Some(alt);
        }
    }

    /// The tag of content made now: of `node` if given, else of the current element.
    pub(crate) fn content_tag(&self, node: Option<usize>) -> Tag {
        let mut t = self.0.borrow_mut();
        let Current::Node(current) = t.current;
        let node = node.unwrap_or(current);
        let order = t.next();
        Tag::Content { node, order }
    }

    /// The heading level a Markdown heading gets in the tree: `##` is H2, and no level is
    /// skipped (a `####` right after a `##` becomes H3).
    pub(crate) fn heading_role(&self, markdown_level: u8) -> Role {
        let mut t = self.0.borrow_mut();
        let level = markdown_level.clamp(2, 6).min(t.heading + 1);
        t.heading = level;
        Role::H(level)
    }

    pub(crate) fn take_structure(&self) -> Vec<StructNode> {
        std::mem::take(&mut self.0.borrow_mut().nodes)
    }
}
