//! What live mode needs from a scene's world, without knowing its message type: messages leave
//! as frames of our small protocol (to be carried over real TCP) instead of being scheduled,
//! and frames that arrived are handed back in. The scene's own logic is untouched.
//!
//! A frame: `u32` length of the rest, `u16` sender, `u16` receiver, `u8` length of the kind,
//! the kind in ASCII, then the message as JSON. All integers big-endian.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::world::{Item, World};

/// One protocol message as bytes, with who sent it to whom.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    pub from: usize,
    pub to: usize,
    pub kind: String,
    /// The whole frame, header included, exactly as it goes on the wire.
    pub bytes: Vec<u8>,
}

impl Frame {
    pub fn encode(from: usize, to: usize, kind: &str, payload: &[u8]) -> Frame {
        let rest = 2 + 2 + 1 + kind.len() + payload.len();
        let mut bytes = Vec::with_capacity(4 + rest);
        bytes.extend_from_slice(&(rest as u32).to_be_bytes());
        bytes.extend_from_slice(&(from as u16).to_be_bytes());
        bytes.extend_from_slice(&(to as u16).to_be_bytes());
        bytes.push(kind.len() as u8);
        bytes.extend_from_slice(kind.as_bytes());
        bytes.extend_from_slice(payload);
        Frame { from, to, kind: kind.to_string(), bytes }
    }

    /// Parses a whole frame (as `bytes`); the error says what is wrong.
    pub fn decode(bytes: Vec<u8>) -> Result<Frame, String> {
        if bytes.len() < 9 {
            return Err("frame too short".into());
        }
        let rest = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
        if rest + 4 != bytes.len() {
            return Err(format!("frame says {rest} bytes follow, {} do", bytes.len() - 4));
        }
        let from = usize::from(u16::from_be_bytes([bytes[4], bytes[5]]));
        let to = usize::from(u16::from_be_bytes([bytes[6], bytes[7]]));
        let kind_len = usize::from(bytes[8]);
        let kind = bytes.get(9..9 + kind_len).ok_or("kind cut short")?;
        let kind = String::from_utf8_lossy(kind).into_owned();
        Ok(Frame { from, to, kind, bytes })
    }

    pub fn payload(&self) -> &[u8] {
        &self.bytes[9 + self.kind.len()..]
    }
}

/// Largest frame accepted from a socket; anything bigger is a broken peer.
pub const MAX_FRAME: usize = 1 << 20;

pub trait LiveWorld: Send {
    /// From now on messages leave through the outbox.
    fn go_live(&mut self);
    fn take_outbox(&mut self) -> Vec<Frame>;
    /// Hands an arrived frame to the scene as a delivery at the current time.
    fn deliver(&mut self, frame: &Frame) -> Result<(), String>;
    fn set_now(&mut self, t_us: u64);
    fn node_count(&self) -> usize;
}

impl<M: Serialize + DeserializeOwned + Send> LiveWorld for World<M> {
    fn go_live(&mut self) {
        self.live = true;
    }

    fn take_outbox(&mut self) -> Vec<Frame> {
        std::mem::take(&mut self.outbox)
            .into_iter()
            .map(|(from, to, kind, msg)| {
                let payload = serde_json::to_vec(&msg).expect("scene messages serialize");
                Frame::encode(from, to, kind, &payload)
            })
            .collect()
    }

    fn deliver(&mut self, frame: &Frame) -> Result<(), String> {
        let msg: M =
            serde_json::from_slice(frame.payload()).map_err(|e| format!("not a message of this scene: {e}"))?;
        if frame.from >= self.names.len() || frame.to >= self.names.len() {
            return Err("frame names a node that does not exist".into());
        }
        self.inject(Item::Deliver { from: frame.from, to: frame.to, msg });
        Ok(())
    }

    fn set_now(&mut self, t_us: u64) {
        self.now = self.now.max(t_us);
    }

    fn node_count(&self) -> usize {
        self.names.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_bad_ones_are_named() {
        let frame = Frame::encode(3, 7, "route", b"{\"Route\":{\"id\":1}}");
        let back = Frame::decode(frame.bytes.clone()).unwrap();
        assert_eq!(back, frame);
        assert_eq!(back.payload(), b"{\"Route\":{\"id\":1}}");
        assert!(Frame::decode(vec![0, 0, 0, 99, 0, 0, 0, 0, 0]).unwrap_err().contains("99"));
    }
}
