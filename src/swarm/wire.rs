//! The class swarm's own messages, carried by libp2p request-response on `/netlens/pieces/1`:
//! storing, asking for and fetching pieces, the traced lookup's FIND_NODE, and a student's vote. Every peer is a
//! stranger, so decoding is strict and bounded: a frame is at most `MAX_FRAME` bytes, counts and
//! lengths are checked before anything is allocated, and any damage is an error that closes the
//! stream — never a panic.

use std::io;

use futures_util::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::{Multiaddr, PeerId, StreamProtocol};

use super::follow::{MAX_CHOICES, MAX_LESSON_ID, MAX_ROUNDS, MAX_STEPS, Vote, check_lesson_id};

/// The protocol the pieces and the traced lookup travel on.
pub const PROTOCOL: StreamProtocol = StreamProtocol::new("/netlens/pieces/1");
/// The largest piece a peer stores or serves.
pub const MAX_PIECE: usize = 256 * 1024;
/// The largest frame: a piece and its header, with room to spare.
pub const MAX_FRAME: usize = MAX_PIECE + 4096;
/// At most this many peers in one FIND_NODE answer, and addresses per peer.
pub const MAX_CLOSEST: usize = 20;
const MAX_ADDRS: usize = 8;
const MAX_REASON: usize = 200;

/// A piece's key: the SHA-256 of its bytes, so nobody can store bytes under another key.
pub type Key = [u8; 32];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    /// Keep this piece (`index` within `file`; `u32::MAX` for the file's manifest).
    Store { key: Key, file: Key, index: u32, data: Vec<u8> },
    /// Do you hold this piece?
    Has { key: Key },
    /// Send me this piece.
    Fetch { key: Key },
    /// Which peers in your routing table are closest to this key? (the traced lookup)
    FindNode { target: Key },
    /// A student's answer to the teacher's question (the teacher counts it or says why not).
    Vote(Vote),
}

impl Request {
    /// Its kind as the message events name it, and its payload size.
    pub fn kind_and_size(&self) -> (&'static str, usize) {
        match self {
            Request::Store { data, .. } => ("store", data.len()),
            Request::Has { .. } => ("has", 0),
            Request::Fetch { .. } => ("fetch", 0),
            Request::FindNode { .. } => ("find_node", 0),
            Request::Vote(_) => ("vote", 0),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    Stored,
    Refused(String),
    Have(bool),
    Piece(Vec<u8>),
    NotFound,
    Closest(Vec<(PeerId, Vec<Multiaddr>)>),
}

pub fn encode_request(request: &Request) -> Vec<u8> {
    let mut out = Vec::new();
    match request {
        Request::Store { key, file, index, data } => {
            out.push(1);
            out.extend_from_slice(key);
            out.extend_from_slice(file);
            out.extend_from_slice(&index.to_be_bytes());
            out.extend_from_slice(data);
        }
        Request::Has { key } => {
            out.push(2);
            out.extend_from_slice(key);
        }
        Request::Fetch { key } => {
            out.push(3);
            out.extend_from_slice(key);
        }
        Request::FindNode { target } => {
            out.push(4);
            out.extend_from_slice(target);
        }
        Request::Vote(vote) => {
            out.push(5);
            let id = &vote.lesson.as_bytes()[..vote.lesson.len().min(MAX_LESSON_ID)];
            out.push(id.len() as u8);
            out.extend_from_slice(id);
            for n in [vote.step, vote.round, vote.choice] {
                out.extend_from_slice(&n.to_be_bytes());
            }
        }
    }
    out
}

pub fn decode_request(bytes: &[u8]) -> Result<Request, String> {
    let mut r = Reader(bytes);
    let request = match r.u8()? {
        1 => {
            let (key, file, index) = (r.key()?, r.key()?, r.u32()?);
            let data = r.rest();
            if data.len() > MAX_PIECE {
                return Err(format!("a piece of {} bytes is over the {MAX_PIECE}-byte limit", data.len()));
            }
            return Ok(Request::Store { key, file, index, data: data.to_vec() });
        }
        2 => Request::Has { key: r.key()? },
        3 => Request::Fetch { key: r.key()? },
        4 => Request::FindNode { target: r.key()? },
        5 => Request::Vote(decode_vote(&mut r)?),
        other => return Err(format!("unknown request kind {other}")),
    };
    r.end()?;
    Ok(request)
}

/// A vote: a lesson id, then step, round and choice, each within its bounds.
fn decode_vote(r: &mut Reader) -> Result<Vote, String> {
    let len = usize::from(r.u8()?);
    if len > MAX_LESSON_ID {
        return Err(format!("a {len}-byte lesson id (at most {MAX_LESSON_ID})"));
    }
    let lesson = String::from_utf8(r.take(len)?.to_vec()).map_err(|_| "a lesson id that is not text".to_string())?;
    check_lesson_id(&lesson)?;
    let (step, round, choice) = (r.u32()?, r.u32()?, r.u32()?);
    if step as usize >= MAX_STEPS || round == 0 || round > MAX_ROUNDS || choice as usize >= MAX_CHOICES {
        return Err(format!("a vote for step {step}, round {round}, choice {choice}: out of bounds"));
    }
    Ok(Vote { lesson, step, round, choice })
}

pub fn encode_response(response: &Response) -> Vec<u8> {
    let mut out = Vec::new();
    match response {
        Response::Stored => out.push(1),
        Response::Refused(reason) => {
            out.push(2);
            // At most 50 characters of at most 4 bytes each: within `MAX_REASON`.
            let cut: String = reason.chars().take(MAX_REASON / 4).collect();
            out.extend_from_slice(cut.as_bytes());
        }
        Response::Have(yes) => out.extend_from_slice(&[3, u8::from(*yes)]),
        Response::Piece(data) => {
            out.push(4);
            out.extend_from_slice(data);
        }
        Response::NotFound => out.push(5),
        Response::Closest(peers) => {
            out.push(6);
            let peers = &peers[..peers.len().min(MAX_CLOSEST)];
            out.push(peers.len() as u8);
            for (peer, addrs) in peers {
                let id = peer.to_bytes();
                out.push(id.len() as u8);
                out.extend_from_slice(&id);
                let addrs: Vec<Vec<u8>> =
                    addrs.iter().map(|a| a.to_vec()).filter(|a| a.len() <= 255).take(MAX_ADDRS).collect();
                out.push(addrs.len() as u8);
                for addr in addrs {
                    out.push(addr.len() as u8);
                    out.extend_from_slice(&addr);
                }
            }
        }
    }
    out
}

pub fn decode_response(bytes: &[u8]) -> Result<Response, String> {
    let mut r = Reader(bytes);
    let response = match r.u8()? {
        1 => Response::Stored,
        2 => {
            let rest = r.rest();
            if rest.len() > MAX_REASON {
                return Err("a refusal's reason is too long".into());
            }
            // The same cut `encode_response` makes, so a reason reads back as it was sent.
            return Ok(Response::Refused(String::from_utf8_lossy(rest).chars().take(MAX_REASON / 4).collect()));
        }
        3 => match r.u8()? {
            0 => Response::Have(false),
            1 => Response::Have(true),
            other => return Err(format!("a yes/no answer of {other}")),
        },
        4 => {
            let data = r.rest();
            if data.len() > MAX_PIECE {
                return Err(format!("a piece of {} bytes is over the {MAX_PIECE}-byte limit", data.len()));
            }
            return Ok(Response::Piece(data.to_vec()));
        }
        5 => Response::NotFound,
        6 => {
            let count = usize::from(r.u8()?);
            if count > MAX_CLOSEST {
                return Err(format!("{count} peers in one answer (at most {MAX_CLOSEST})"));
            }
            let mut peers = Vec::with_capacity(count);
            for _ in 0..count {
                let id_len = usize::from(r.u8()?);
                let peer = PeerId::from_bytes(r.take(id_len)?).map_err(|e| format!("a malformed peer id: {e}"))?;
                let addr_count = usize::from(r.u8()?);
                if addr_count > MAX_ADDRS {
                    return Err(format!("{addr_count} addresses for one peer (at most {MAX_ADDRS})"));
                }
                let mut addrs = Vec::with_capacity(addr_count);
                for _ in 0..addr_count {
                    let len = usize::from(r.u8()?);
                    let addr =
                        Multiaddr::try_from(r.take(len)?.to_vec()).map_err(|e| format!("a malformed address: {e}"))?;
                    addrs.push(addr);
                }
                peers.push((peer, addrs));
            }
            Response::Closest(peers)
        }
        other => return Err(format!("unknown response kind {other}")),
    };
    r.end()?;
    Ok(response)
}

/// A cursor that never reads past the end.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        if self.0.len() < n {
            return Err("the message ends early".into());
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn key(&mut self) -> Result<Key, String> {
        let mut key = [0; 32];
        key.copy_from_slice(self.take(32)?);
        Ok(key)
    }
    fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.0)
    }
    fn end(&self) -> Result<(), String> {
        if self.0.is_empty() { Ok(()) } else { Err(format!("{} unexpected bytes after the message", self.0.len())) }
    }
}

/// Reads one length-prefixed frame, refusing one over `MAX_FRAME` before allocating it.
async fn read_frame<T: AsyncRead + Unpin + Send>(io: &mut T) -> io::Result<Vec<u8>> {
    let mut len = [0; 4];
    io.read_exact(&mut len).await?;
    let len = u32::from_be_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(io::ErrorKind::InvalidData, format!("a {len}-byte frame is over the limit")));
    }
    let mut body = vec![0; len];
    io.read_exact(&mut body).await?;
    Ok(body)
}

async fn write_frame<T: AsyncWrite + Unpin + Send>(io: &mut T, body: &[u8]) -> io::Result<()> {
    io.write_all(&(body.len() as u32).to_be_bytes()).await?;
    io.write_all(body).await?;
    io.close().await
}

fn invalid(reason: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, reason)
}

/// The request-response codec: one frame each way per stream.
#[derive(Clone, Copy, Debug, Default)]
pub struct Codec;

impl libp2p::request_response::Codec for Codec {
    type Protocol = StreamProtocol;
    type Request = Request;
    type Response = Response;

    async fn read_request<T: AsyncRead + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<Request> {
        decode_request(&read_frame(io).await?).map_err(invalid)
    }

    async fn read_response<T: AsyncRead + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
    ) -> io::Result<Response> {
        decode_response(&read_frame(io).await?).map_err(invalid)
    }

    async fn write_request<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        request: Request,
    ) -> io::Result<()> {
        write_frame(io, &encode_request(&request)).await
    }

    async fn write_response<T: AsyncWrite + Unpin + Send>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        response: Response,
    ) -> io::Result<()> {
        write_frame(io, &encode_response(&response)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_survives_a_round_trip() {
        let peer = PeerId::random();
        let addr: Multiaddr = "/ip4/127.0.0.1/tcp/4001".parse().unwrap();
        for request in [
            Request::Store { key: [1; 32], file: [2; 32], index: 7, data: vec![9; 1000] },
            Request::Has { key: [3; 32] },
            Request::Fetch { key: [4; 32] },
            Request::FindNode { target: [5; 32] },
            Request::Vote(Vote { lesson: "peers".into(), step: 3, round: 2, choice: 1 }),
        ] {
            assert_eq!(decode_request(&encode_request(&request)), Ok(request));
        }
        for response in [
            Response::Stored,
            Response::Refused("full".into()),
            Response::Have(true),
            Response::Piece(vec![1, 2, 3]),
            Response::NotFound,
            Response::Closest(vec![(peer, vec![addr])]),
        ] {
            assert_eq!(decode_response(&encode_response(&response)), Ok(response));
        }
    }

    #[test]
    fn damaged_messages_are_errors() {
        assert!(decode_request(&[]).is_err());
        assert!(decode_request(&[2, 0, 0]).is_err(), "a short key");
        assert!(decode_request(&[9]).is_err(), "an unknown kind");
        let mut has = encode_request(&Request::Has { key: [0; 32] });
        has.push(0);
        assert!(decode_request(&has).is_err(), "trailing bytes");
        assert!(decode_response(&[6, 21]).is_err(), "too many peers");
        assert!(decode_response(&[6, 1, 3, 1, 2, 3, 0]).is_err(), "a malformed peer id");
        assert!(decode_response(&[3, 2]).is_err());
        let vote = |lesson: &str, round| {
            encode_request(&Request::Vote(Vote { lesson: lesson.into(), step: 1, round, choice: 0 }))
        };
        assert!(decode_request(&vote("peers", 0)).is_err(), "round 0");
        assert!(decode_request(&vote("Peers", 1)).is_err(), "not a lesson id");
        let mut long = vec![5, 200];
        long.extend([b'a'; 200]);
        assert!(decode_request(&long).is_err(), "an overlong id");
        let mut big = vec![4];
        big.resize(MAX_PIECE + 2, 0);
        assert!(decode_response(&big).is_err(), "an oversized piece");
    }
}
