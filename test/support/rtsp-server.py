#!/usr/bin/python3
"""A real RTSP server for tests: GStreamer's gst-rtsp-server serving live test streams.

Mounts: /h264 (640x360), /h265 (320x240), /mjpeg (320x240), all live videotestsrc at --fps (default 15).
Authentication: --auth none | basic | digest with --user and --password (every mount then needs them).
Binds --address (127.0.0.1) on --port (0 = a free port) and prints "READY <port>" on stdout once it listens.
With --onvif-name it also answers ONVIF WS-Discovery probes (multicast 239.255.255.250:3702 joined on
--address) with a ProbeMatch, as an IP camera does.
Stops on SIGTERM/SIGINT, or when its stdin closes (so a crashed test runner never leaves it behind).
"""
import argparse
import os
import signal
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402


def has_element(name):
    return Gst.ElementFactory.find(name) is not None


def source(width, height, fps, pattern):
    return (
        f"videotestsrc is-live=true pattern={pattern} ! "
        f"video/x-raw,width={width},height={height},framerate={fps}/1 ! videoconvert ! video/x-raw,format=I420"
    )


def h264_pipeline(fps):
    src = source(640, 360, fps, "ball")
    if has_element("x264enc"):
        enc = f"x264enc tune=zerolatency speed-preset=ultrafast key-int-max={fps} bitrate=800 ! video/x-h264,profile=main"
    elif has_element("openh264enc"):
        enc = f"openh264enc gop-size={fps} bitrate=800000 ! video/x-h264,profile=baseline"
    else:
        return None
    return f"( {src} ! {enc} ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )"


def h265_pipeline(fps):
    if not has_element("x265enc"):
        return None
    src = source(320, 240, fps, "smpte")
    enc = f"x265enc tune=zerolatency speed-preset=ultrafast key-int-max={fps} bitrate=400"
    return f"( {src} ! {enc} ! h265parse ! rtph265pay name=pay0 pt=96 config-interval=1 )"


def mjpeg_pipeline(fps):
    src = source(320, 240, fps, "snow")
    return f"( {src} ! jpegenc quality=60 ! rtpjpegpay name=pay0 pt=26 )"


PROBE_MATCH = """<?xml version="1.0" encoding="UTF-8"?>
<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">
<e:Header><w:MessageID>uuid:{reply_id}</w:MessageID><w:RelatesTo>{relates}</w:RelatesTo>
<w:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</w:To>
<w:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</w:Action></e:Header>
<e:Body><d:ProbeMatches><d:ProbeMatch>
<w:EndpointReference><w:Address>urn:uuid:{device_id}</w:Address></w:EndpointReference>
<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>
<d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/name/{name} onvif://www.onvif.org/hardware/{hardware}</d:Scopes>
<d:XAddrs>http://{address}/onvif/device_service</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion>
</d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>"""


def wsd_responder(address, name, hardware):
    """Answers WS-Discovery Probes for video transmitters (or with no types) on the link of `address`."""
    import re
    import socket
    import struct
    import urllib.parse
    import uuid

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("", 3702))
    mreq = struct.pack("4s4s", socket.inet_aton("239.255.255.250"), socket.inet_aton(address))
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    device_id = uuid.uuid4()
    while True:
        data, peer = sock.recvfrom(65535)
        text = data.decode("utf-8", "replace")
        if "Probe>" not in text and "Probe " not in text:
            continue
        types = re.search(r"<[\w:]*Types[^>]*>([^<]*)<", text)
        if types and "NetworkVideoTransmitter" not in types.group(1) and "Device" not in types.group(1):
            continue
        mid = re.search(r"<[\w:]*MessageID[^>]*>([^<]+)<", text)
        reply = PROBE_MATCH.format(
            reply_id=uuid.uuid4(),
            relates=mid.group(1) if mid else "",
            device_id=device_id,
            name=urllib.parse.quote(name),
            hardware=urllib.parse.quote(hardware),
            address=address,
        )
        out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            out.bind((address, 0))
            out.sendto(reply.encode("utf-8"), peer)
        finally:
            out.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--auth", choices=["none", "basic", "digest"], default="none")
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--onvif-name", default="")
    parser.add_argument("--onvif-hardware", default="Outpost test camera")
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.address)
    server.set_service(str(args.port))

    if args.auth != "none":
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "user")
        if args.auth == "basic":
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.BASIC)
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password), token)
        else:
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
            auth.add_digest(args.user, args.password, token)
        server.set_auth(auth)

    mounts = server.get_mount_points()
    served = []
    for path, pipeline in (
        ("/h264", h264_pipeline(args.fps)),
        ("/h265", h265_pipeline(args.fps)),
        ("/mjpeg", mjpeg_pipeline(args.fps)),
    ):
        if pipeline is None:
            sys.stderr.write(f"no encoder for {path}, not served\n")
            continue
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(pipeline)
        factory.set_shared(True)
        if args.auth != "none":
            permissions = GstRtspServer.RTSPPermissions()
            permissions.add_permission_for_role("user", "media.factory.access", True)
            permissions.add_permission_for_role("user", "media.factory.construct", True)
            factory.set_permissions(permissions)
        mounts.add_factory(path, factory)
        served.append(path)

    if server.attach(None) == 0:
        sys.stderr.write("could not bind the RTSP port\n")
        sys.exit(1)

    loop = GLib.MainLoop()

    def stop(*_):
        loop.quit()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except Exception:
            pass
        GLib.idle_add(stop)

    threading.Thread(target=watch_stdin, daemon=True).start()
    if args.onvif_name:
        threading.Thread(
            target=wsd_responder, args=(args.address, args.onvif_name, args.onvif_hardware), daemon=True
        ).start()
    # Python only runs signal handlers between bytecodes: wake the loop regularly so SIGTERM is seen.
    GLib.timeout_add(200, lambda: True)

    print(f"READY {server.get_bound_port()} {' '.join(served)}", flush=True)
    loop.run()
    os._exit(0)


if __name__ == "__main__":
    main()
