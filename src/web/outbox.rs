//! Where the browser's tasks (page loads) leave their events for the app, which takes them
//! each frame; every event wakes the app.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::Arc;

use crate::worker_api::Event;

/// Called after every event, to wake the app.
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// Where the tasks put their events for the app to take.
#[derive(Clone)]
pub(crate) struct Outbox {
    events: Rc<RefCell<VecDeque<Event>>>,
    waker: Waker,
}

impl Outbox {
    pub(crate) fn send(&self, event: Event) {
        self.events.borrow_mut().push_back(event);
        (self.waker)();
    }
}

impl Outbox {
    pub(crate) fn new(waker: Waker) -> Self {
        Self { events: Rc::default(), waker }
    }

    /// The oldest event not yet taken.
    pub(crate) fn take(&self) -> Option<Event> {
        self.events.borrow_mut().pop_front()
    }
}
