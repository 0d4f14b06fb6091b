"""The vpcd wire protocol against a stand-in for pcscd's vpcd driver (no pcscd needed)."""
import socket
import struct
import threading

from virtual_card.jpki import JPKI_AID
from virtual_card.server import CardServer, send_control
from virtual_card.vpcd import VpcdLink


def fake_vpcd():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    return listener, listener.getsockname()[1]


def exchange(conn: socket.socket, payload: bytes) -> bytes:
    conn.sendall(struct.pack("!H", len(payload)))  # like vpcd: prefix and payload in two writes
    conn.sendall(payload)
    size = struct.unpack("!H", recv_exact(conn, 2))[0]
    return recv_exact(conn, size)


def recv_exact(conn: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        assert chunk, "connection closed"
        buf += chunk
    return buf


def test_link_answers_control_codes_and_apdus(card):
    listener, port = fake_vpcd()
    link = VpcdLink(card, port=port)
    link.connect()
    conn, _ = listener.accept()
    assert link.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    done = threading.Event()

    def pump():
        while not done.is_set() and link.connected and link.pump():
            pass

    t = threading.Thread(target=pump, daemon=True)
    t.start()
    assert exchange(conn, b"\x04") == bytes.fromhex("3BE000FF8131FE4514")
    conn.sendall(b"\x00\x01\x01")  # power on: no answer expected
    assert exchange(conn, bytes.fromhex("00A4040C0A") + JPKI_AID) == b"\x90\x00"
    assert exchange(conn, b"\x00\x01") == bytes.fromhex("6700")  # a 2-byte APDU is malformed
    conn.close()
    t.join(2)
    done.set()
    assert not link.connected  # vpcd hung up: the card is out
    listener.close()


def test_server_swaps_cards_over_control_channel(store):
    listener, port = fake_vpcd()
    server = CardServer(store, port=port)
    server.on_event = lambda text: None
    t = threading.Thread(target=server.serve_forever, daemon=True)
    server.open_control()
    t.start()
    try:
        reply = send_control(store, {"cmd": "insert", "card": "good"}, port=port)
        assert reply["ok"] and reply["card"] == "good"
        conn, _ = listener.accept()
        assert exchange(conn, b"\x04") == bytes.fromhex("3BE000FF8131FE4514")
        assert send_control(store, {"cmd": "insert", "card": "nope"}, port=port)["ok"] is False
        assert send_control(store, {"cmd": "remove"}, port=port)["card"] is None
        conn.settimeout(2)
        assert conn.recv(1) == b""  # the link was closed: card removed
        assert send_control(store, {"cmd": "status"}, port=port)["connected"] is False
    finally:
        server.stop()
        t.join(3)
        listener.close()
    assert not server.control_path.exists()
