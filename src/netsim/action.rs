//! What the teacher (or `--at T:ACTION`, or a lesson step) does to a running scene.

use super::kinds::SceneKind;

/// Something the teacher (or `--at T:ACTION`) does to a running scene.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Kill(String),
    Restart(String),
    Clients(usize),
}

impl Action {
    /// Parses `kill:NODE`, `restart:NODE` or `clients:N`.
    pub fn parse(text: &str) -> Result<Action, String> {
        match text.split_once(':') {
            Some(("kill", node)) if !node.is_empty() => Ok(Action::Kill(node.to_string())),
            Some(("restart", node)) if !node.is_empty() => Ok(Action::Restart(node.to_string())),
            Some(("clients", n)) => n
                .parse()
                .ok()
                .filter(|n| SceneKind::ClientServer.node_range().contains(n))
                .map(Action::Clients)
                .ok_or_else(|| format!("clients:N needs N from 1 to {}", SceneKind::ClientServer.node_range().end())),
            _ => Err(format!("{text:?} is not an action; use kill:NODE, restart:NODE or clients:N")),
        }
    }
}
