//! An in-memory network device for smoltcp: packets the stack transmits are collected in an
//! outbox for the link to carry; packets the link delivers wait in an inbox for the stack.

use std::collections::VecDeque;

use smoltcp::phy::{Device, DeviceCapabilities, Medium, RxToken, TxToken};
use smoltcp::time::Instant;

pub struct SimDevice {
    mtu: usize,
    pub inbox: VecDeque<Vec<u8>>,
    pub outbox: Vec<Vec<u8>>,
}

impl SimDevice {
    pub fn new(mtu: usize) -> Self {
        Self { mtu, inbox: VecDeque::new(), outbox: Vec::new() }
    }
}

pub struct SimRx(Vec<u8>);
pub struct SimTx<'a>(&'a mut Vec<Vec<u8>>);

impl RxToken for SimRx {
    fn consume<R, F: FnOnce(&[u8]) -> R>(self, f: F) -> R {
        f(&self.0)
    }
}

impl TxToken for SimTx<'_> {
    fn consume<R, F: FnOnce(&mut [u8]) -> R>(self, len: usize, f: F) -> R {
        let mut packet = vec![0; len];
        let result = f(&mut packet);
        self.0.push(packet);
        result
    }
}

impl Device for SimDevice {
    type RxToken<'a> = SimRx;
    type TxToken<'a> = SimTx<'a>;

    fn receive(&mut self, _now: Instant) -> Option<(SimRx, SimTx<'_>)> {
        let packet = self.inbox.pop_front()?;
        Some((SimRx(packet), SimTx(&mut self.outbox)))
    }

    fn transmit(&mut self, _now: Instant) -> Option<SimTx<'_>> {
        Some(SimTx(&mut self.outbox))
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ip;
        caps.max_transmission_unit = self.mtu;
        caps
    }
}
