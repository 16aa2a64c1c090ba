//! What the app can do where it runs, and the sentences that say what it cannot: the browser
//! build (`web`) has no sockets, no threads and no file system, and the views say so in place
//! of a control that could not work.

/// True in the browser build: no real sockets, files come and go as uploads and downloads.
pub const IN_BROWSER: bool = cfg!(not(feature = "desktop"));

/// Said under a lesson step done by the live class when no class swarm runs here.
#[cfg(feature = "desktop")]
pub const NO_CLASS_SWARM_NOTE: &str = "No class swarm runs on this laptop, so the scene stands in. Start or join a class (Network ▸ Class swarm) to do this step with the real class.";
#[cfg(not(feature = "desktop"))]
pub const NO_CLASS_SWARM_NOTE: &str =
    "The class swarm runs in the desktop app only, so the scene stands in: the same idea, step by step.";

/// Shown in place of the class swarm panel in a browser.
pub const CLASS_SWARM_IN_BROWSER: &str = "The class swarm makes every laptop in the room a peer of one real peer-to-peer network over TCP, and a browser tab can neither open nor accept such connections. Join it from the desktop app (netlens for Windows or Linux). Here, the Network view's scenes show the same ideas — routing through neighbours, supernodes, replicas that outlive a failed peer — step by step.";

/// Shown in place of the Live switch in a browser.
pub const LIVE_IN_BROWSER: &str = "Live mode runs every node as a real TCP listener on this computer, and a browser tab cannot listen on sockets: it is in the desktop app only. Step mode runs the same scene with the same seed, and can step back.";

/// Shown at the top of the Fetch view in a browser.
pub const FETCH_IN_BROWSER: &str = "In the browser, netlens fetches with the browser's own fetch and shows what the browser tells a page: the status, the headers, the body and the timing of each phase. The desktop app fetches over real TCP and also shows what a browser hides: the raw request and response bytes, the DNS lookup's messages and the TCP connection.";

/// Shown in the Raw and DNS tabs in a browser, where there is nothing to show.
pub const HIDDEN_BY_BROWSER: &str = "The browser does not let a page see this: it builds the request, looks up the name and opens the connection itself, and hands the page only the status, headers, body and timing. The desktop app shows every byte.";

/// Shown beside the capture file controls in a browser.
pub const FILES_IN_BROWSER: &str =
    "Files stay on this computer: opening reads the file in this tab, saving downloads it.";
