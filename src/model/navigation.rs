//! Back and forward, as in a browser: a list of visited addresses and a position in it. Visiting
//! a new address from the middle of the list drops the addresses ahead.

#[derive(Clone, Debug, Default)]
pub struct Navigation {
    entries: Vec<String>,
    position: usize,
}

impl Navigation {
    /// Records a visit. Visiting the address already current (a reload) adds nothing.
    pub fn visit(&mut self, url: &str) {
        if self.current() == Some(url) {
            return;
        }
        if !self.entries.is_empty() {
            self.entries.truncate(self.position + 1);
        }
        self.entries.push(url.to_string());
        self.position = self.entries.len() - 1;
    }

    pub fn current(&self) -> Option<&str> {
        self.entries.get(self.position).map(String::as_str)
    }

    pub fn can_go_back(&self) -> bool {
        !self.entries.is_empty() && self.position > 0
    }

    pub fn can_go_forward(&self) -> bool {
        self.position + 1 < self.entries.len()
    }

    /// Moves back and returns the address to load.
    pub fn back(&mut self) -> Option<String> {
        self.can_go_back().then(|| {
            self.position -= 1;
            self.entries[self.position].clone()
        })
    }

    /// Moves forward and returns the address to load.
    pub fn forward(&mut self) -> Option<String> {
        self.can_go_forward().then(|| {
            self.position += 1;
            self.entries[self.position].clone()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn back_forward_and_branching() {
        let mut nav = Navigation::default();
        assert!(!nav.can_go_back() && !nav.can_go_forward());
        nav.visit("a");
        nav.visit("b");
        nav.visit("c");
        assert_eq!(nav.back().as_deref(), Some("b"));
        assert_eq!(nav.back().as_deref(), Some("a"));
        assert_eq!(nav.back(), None);
        assert_eq!(nav.forward().as_deref(), Some("b"));
        nav.visit("d"); // drops "c"
        assert_eq!(nav.forward(), None);
        assert_eq!(nav.back().as_deref(), Some("b"));
        nav.visit("b"); // a reload of the current page
        assert!(nav.can_go_forward());
    }
}
