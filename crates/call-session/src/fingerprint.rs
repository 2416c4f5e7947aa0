//! Our own check that the far end's DTLS certificate is the one the signalling announced. webrtc-rs
//! 0.21.1 checks it inside the handshake, yet under load a peer holding an altered fingerprint was seen to
//! report `Connected` (receiving nothing) before closing. Media pumps start only after this check passes.

use sha2::{Digest, Sha256};

/// The SHA-256 fingerprints (`a=fingerprint:sha-256 AB:CD:…`) a description announces, lower-cased.
fn announced(sdp: &str) -> Vec<String> {
    sdp.lines()
        .filter_map(|line| line.trim().strip_prefix("a=fingerprint:"))
        .filter_map(|value| value.split_once(' '))
        .filter(|(algorithm, _)| algorithm.eq_ignore_ascii_case("sha-256"))
        .map(|(_, digest)| digest.trim().to_ascii_lowercase())
        .collect()
}

fn colon_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

/// Whether `certificate` (DER) is the one every SHA-256 fingerprint in `remote_sdp` names. A description
/// without one, or no certificate, never matches.
pub(crate) fn certificate_matches(remote_sdp: &str, certificate: Option<&[u8]>) -> bool {
    let announced = announced(remote_sdp);
    let Some(certificate) = certificate else { return false };
    let actual = colon_hex(&Sha256::digest(certificate));
    !announced.is_empty() && announced.iter().all(|fingerprint| *fingerprint == actual)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sdp_with(fingerprints: &[&str]) -> String {
        let lines: String = fingerprints.iter().map(|f| format!("a=fingerprint:{f}\r\n")).collect();
        format!("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n{lines}m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n")
    }

    fn check(fingerprints: &[&str], certificate: Option<&[u8]>, expect: bool) {
        assert_eq!(certificate_matches(&sdp_with(fingerprints), certificate), expect, "{fingerprints:?}");
    }

    #[test]
    fn only_the_announced_certificate_matches() {
        let cert = b"a certificate".as_slice();
        let right = format!("sha-256 {}", colon_hex(&Sha256::digest(cert)).to_uppercase());
        let mut altered = right.clone();
        let last = altered.len() - 1;
        altered.replace_range(last.., if altered.ends_with('0') { "1" } else { "0" });
        check(&[&right], Some(cert), true);
        check(&[&right, &right], Some(cert), true);
        check(&[&altered], Some(cert), false);
        check(&[&right, &altered], Some(cert), false);
        check(&[], Some(cert), false);
        check(&[&right], None, false);
        check(&[&right], Some(b"another certificate"), false);
        check(&["sha-1 00:11"], Some(cert), false);
    }
}
