//! Every Network scene by kind: the one place that knows which type plays which scene.

use super::kinds::SceneKind;
use super::scene::NetScene;
use super::scenes;

/// Creates a scene with the given seed and number of clients or peers (its default if none).
pub fn create_kind(kind: SceneKind, seed: u64, nodes: Option<usize>) -> Result<Box<dyn NetScene>, String> {
    let n = nodes.unwrap_or(kind.default_nodes());
    let scene: Box<dyn NetScene> = match kind {
        SceneKind::ClientServer => Box::new(scenes::client_server::ClientServer::new(seed, n, false)?),
        SceneKind::Modularity => Box::new(scenes::client_server::ClientServer::new(seed, n, true)?),
        SceneKind::Capacity => Box::new(scenes::capacity::Capacity::new(seed, n)?),
        SceneKind::Overlay => Box::new(scenes::overlay::Overlay::new(seed, n, scenes::overlay::Mode::Overlay)?),
        SceneKind::Routing => Box::new(scenes::overlay::Overlay::new(seed, n, scenes::overlay::Mode::Routing)?),
        SceneKind::Supernodes => Box::new(scenes::supernodes::Supernodes::new(seed, n)?),
        SceneKind::ReplicatedStorage => Box::new(scenes::storage::Storage::new(seed, n)?),
    };
    Ok(scene)
}

/// Creates a scene by name (as the CLI and tests give it).
pub fn create(name: &str, seed: u64, nodes: Option<usize>) -> Result<Box<dyn NetScene>, String> {
    create_kind(SceneKind::parse(name)?, seed, nodes)
}
