//! What the Fetch view is given to draw (`FetchContext`) and what it asks for (`FetchIntent`).

use crate::model::navigation::Navigation;
use crate::model::page_load::FetchModel;
use crate::model::settings::Settings;
use crate::record::DemoAddresses;

/// What the user asked the Fetch view to do.
#[derive(Clone, Debug, PartialEq)]
pub enum FetchIntent {
    /// Load this address (as typed: the app validates it).
    Load(String),
    Stop,
    Back,
    Forward,
    Reload,
    /// Carry the selected exchange's exact bytes into the packet simulator.
    ShowAsPackets(Box<crate::sim::Scene>),
}

/// What the Fetch view needs to read from the rest of the app.
pub struct FetchContext<'a> {
    pub model: &'a FetchModel,
    pub navigation: &'a Navigation,
    pub demo: Option<&'a DemoAddresses>,
    /// In a browser: where the copy of the demo site beside the page is (its front page).
    pub browser_demo: Option<String>,
    pub settings: &'a mut Settings,
}
