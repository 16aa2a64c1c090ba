//! What live mode needs from a scene's world, without knowing its message type: messages leave
//! as frames of our small protocol (to be carried over real TCP) instead of being scheduled,
//! and frames that arrived are handed back in. The scene's own logic is untouched.
//!
//! A connection opens with a preamble: the magic `NLS1`, the `u16` sender, and the sender's
//! 16-byte token (which only the session that runs the scene can make), so every frame on that
//! connection is bound to the node that opened it. Then frames: `u32` length of the rest, `u16`
//! sender, `u16` receiver, `u8` length of the kind, the kind in ASCII (one of `MessageKind`'s
//! names), then the message as JSON. All integers big-endian. Frames come from sockets that any
//! local process can reach, so decoding is strict: every field is checked and named in the
//! error, and nothing here can panic.

use super::kinds::MessageKind;
use super::world::{Item, SceneMessage, World};

/// Largest frame body accepted from a socket. The biggest real message (a 1 KiB piece as JSON)
/// is about 4 KiB; anything near this is a broken or hostile peer.
pub const MAX_FRAME: usize = 16 * 1024;

/// The most nodes a live session opens listeners for (each is a real socket).
pub const MAX_LIVE_NODES: usize = 400;

/// Bytes before the kind: length (4), sender (2), receiver (2), kind length (1).
const HEADER: usize = 9;

/// What a connection opens with: magic (4), sender (2), the sender's token (16).
pub const PREAMBLE_LEN: usize = 22;
const PREAMBLE_MAGIC: &[u8; 4] = b"NLS1";

/// A connection's preamble: which node opens it, and the token that proves it.
pub fn encode_preamble(sender: u16, token: &[u8; 16]) -> [u8; PREAMBLE_LEN] {
    let mut bytes = [0u8; PREAMBLE_LEN];
    bytes[..4].copy_from_slice(PREAMBLE_MAGIC);
    bytes[4..6].copy_from_slice(&sender.to_be_bytes());
    bytes[6..].copy_from_slice(token);
    bytes
}

/// How many bytes of a preamble say it is one.
pub const PREAMBLE_MAGIC_LEN: usize = 4;

/// Whether `bytes` start as a preamble does.
pub fn has_preamble_magic(bytes: &[u8]) -> bool {
    bytes.starts_with(PREAMBLE_MAGIC)
}

/// The sender and token a preamble names; the error says why it is not one.
pub fn decode_preamble(bytes: &[u8; PREAMBLE_LEN]) -> Result<(usize, [u8; 16]), String> {
    if !has_preamble_magic(bytes) {
        return Err("the connection did not open by saying which node it is".into());
    }
    let sender = usize::from(u16::from_be_bytes([bytes[4], bytes[5]]));
    let mut token = [0u8; 16];
    token.copy_from_slice(&bytes[6..]);
    Ok((sender, token))
}

/// One protocol message as bytes, with who sent it to whom.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    pub from: usize,
    pub to: usize,
    pub kind: MessageKind,
    /// The whole frame, header included, exactly as it goes on the wire.
    pub bytes: Vec<u8>,
}

impl Frame {
    pub fn encode(from: u16, to: u16, kind: MessageKind, payload: &[u8]) -> Frame {
        let name = kind.name().as_bytes();
        let rest = 2 + 2 + 1 + name.len() + payload.len();
        let mut bytes = Vec::with_capacity(4 + rest);
        bytes.extend_from_slice(&(rest as u32).to_be_bytes());
        bytes.extend_from_slice(&from.to_be_bytes());
        bytes.extend_from_slice(&to.to_be_bytes());
        // Kind names are short ASCII constants.
        bytes.push(name.len() as u8);
        bytes.extend_from_slice(name);
        bytes.extend_from_slice(payload);
        Frame { from: usize::from(from), to: usize::from(to), kind, bytes }
    }

    /// Parses a frame's body (everything after the 4-byte length); the error says what is wrong.
    pub fn decode_body(body: &[u8]) -> Result<Frame, String> {
        if body.len() > MAX_FRAME {
            return Err(format!("a frame of {} bytes (at most {MAX_FRAME})", body.len()));
        }
        if body.len() < 5 {
            return Err(format!("a frame of {} bytes is too short for its header", body.len()));
        }
        let from = usize::from(u16::from_be_bytes([body[0], body[1]]));
        let to = usize::from(u16::from_be_bytes([body[2], body[3]]));
        let kind_len = usize::from(body[4]);
        let kind = body.get(5..5 + kind_len).ok_or_else(|| format!("the kind says {kind_len} bytes, fewer follow"))?;
        let kind = MessageKind::from_wire(kind).ok_or_else(|| match std::str::from_utf8(kind) {
            Err(_) => "the kind is not valid UTF-8".to_string(),
            Ok(text) => {
                let shown: String = text.chars().take(24).flat_map(char::escape_debug).collect();
                format!("unknown kind \"{shown}\"")
            }
        })?;
        if body.len() == 5 + kind_len {
            return Err(format!("a {kind} frame with no message"));
        }
        let mut bytes = Vec::with_capacity(4 + body.len());
        bytes.extend_from_slice(&(body.len() as u32).to_be_bytes());
        bytes.extend_from_slice(body);
        Ok(Frame { from, to, kind, bytes })
    }

    /// Parses a whole frame, length field included.
    pub fn decode(bytes: &[u8]) -> Result<Frame, String> {
        let (length, body) = bytes.split_first_chunk::<4>().ok_or("a frame shorter than its length field")?;
        let rest = u32::from_be_bytes(*length) as usize;
        if rest != body.len() {
            return Err(format!("the frame says {rest} bytes follow, {} do", body.len()));
        }
        Self::decode_body(body)
    }

    /// The message, as JSON bytes.
    pub fn payload(&self) -> &[u8] {
        self.bytes.get(self.payload_offset()..).unwrap_or(&[])
    }

    /// Where the message starts in `bytes`.
    pub fn payload_offset(&self) -> usize {
        HEADER + self.kind.name().len()
    }
}

pub trait LiveWorld: Send {
    /// From now on messages leave through the outbox.
    fn go_live(&mut self);
    fn take_outbox(&mut self) -> Vec<Frame>;
    fn set_now(&mut self, t_us: u64);
    fn node_count(&self) -> usize;
    fn node_name(&self, node: usize) -> Option<&str>;
    /// Logs a frame the live runner turned away, and why.
    fn record_rejected(&mut self, peer: &str, node: usize, reason: &str);
}

impl<M: SceneMessage> LiveWorld for World<M> {
    fn go_live(&mut self) {
        self.live = true;
    }

    fn take_outbox(&mut self) -> Vec<Frame> {
        std::mem::take(&mut self.outbox)
            .into_iter()
            .filter_map(|(from, to, msg)| {
                // Our own messages are plain enums, so this cannot fail; an empty payload would
                // be rejected by the receiver and shown, not lost silently.
                let payload = serde_json::to_vec(&msg).unwrap_or_default();
                let from = u16::try_from(from).ok()?;
                let to = u16::try_from(to).ok()?;
                Some(Frame::encode(from, to, msg.kind(), &payload))
            })
            .collect()
    }

    fn set_now(&mut self, t_us: u64) {
        self.now = self.now.max(t_us);
    }

    fn node_count(&self) -> usize {
        self.names.len()
    }

    fn node_name(&self, node: usize) -> Option<&str> {
        self.names.get(node).map(String::as_str)
    }

    fn record_rejected(&mut self, peer: &str, node: usize, reason: &str) {
        let to = self.names.get(node).cloned().unwrap_or_default();
        let detail = format!("rejected frame from {peer}: {reason}");
        self.push_log(crate::netsim::LogEvent {
            t_us: self.now,
            kind: crate::netsim::EventKind::Rejected,
            from: peer.to_string(),
            to,
            detail,
        });
    }
}

impl<M: SceneMessage> World<M> {
    /// The message a frame carries, if it is one of this scene's, of the kind the frame says,
    /// between two nodes that exist. The scene then checks that it makes sense between them.
    pub fn decode_message(&self, frame: &Frame) -> Result<M, String> {
        let nodes = self.names.len();
        if frame.from >= nodes || frame.to >= nodes {
            return Err(format!("it names node {} or {}, and this scene has {nodes}", frame.from, frame.to));
        }
        if frame.from == frame.to {
            return Err("a node does not send frames to itself".into());
        }
        let msg: M =
            serde_json::from_slice(frame.payload()).map_err(|e| format!("not a message of this scene: {e}"))?;
        if msg.kind() != frame.kind {
            return Err(format!("the frame says {} but carries a {} message", frame.kind, msg.kind()));
        }
        Ok(msg)
    }

    /// Hands a checked message to the scene as a delivery at the current time.
    pub fn inject_delivery(&mut self, from: usize, to: usize, msg: M) {
        self.inject(Item::Deliver { from, to, msg });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_bad_ones_are_named() {
        let frame = Frame::encode(3, 7, MessageKind::Route, b"{\"Route\":{\"id\":1}}");
        let back = Frame::decode(&frame.bytes).unwrap();
        assert_eq!(back, frame);
        assert_eq!(back.payload(), b"{\"Route\":{\"id\":1}}");
        assert!(Frame::decode(&[0, 0, 0, 99, 0, 0, 0, 0, 0]).unwrap_err().contains("99"));
    }

    #[test]
    fn live_frame_with_invalid_utf8_kind_is_rejected() {
        // The 11 bytes that used to crash the window: a kind of two 0xff bytes.
        let error = Frame::decode(&[0, 0, 0, 7, 0, 0, 0, 1, 2, 0xff, 0xff]).unwrap_err();
        assert_eq!(error, "the kind is not valid UTF-8");
    }

    #[test]
    fn every_malformed_header_is_an_error_not_a_panic() {
        assert!(Frame::decode_body(&[0, 1, 0, 2, 9, b'r']).unwrap_err().contains("fewer follow"));
        assert!(
            Frame::decode_body(&[0, 1, 0, 2, 4, b'n', b'o', b'p', b'e', b'{']).unwrap_err().contains("unknown kind")
        );
        assert!(Frame::decode_body(&[0, 1, 0, 2, 5, b'h', b'e', b'l', b'l', b'o']).unwrap_err().contains("no message"));
        assert!(Frame::decode_body(&[0, 1]).unwrap_err().contains("too short"));
        assert!(Frame::decode(&[0, 0]).is_err());
        // Every prefix and every one-byte corruption of a good frame decodes or errs, never panics.
        let good = Frame::encode(1, 2, MessageKind::Hello, b"\"Hello\"").bytes;
        for end in 0..good.len() {
            let _ = Frame::decode(&good[..end]);
        }
        for i in 0..good.len() {
            for value in [0u8, 1, 0x7f, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[i] = value;
                if let Ok(frame) = Frame::decode(&bad) {
                    assert!(frame.payload().len() < bad.len());
                }
            }
        }
    }
}
