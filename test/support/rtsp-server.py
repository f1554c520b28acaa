#!/usr/bin/python3
"""A real RTSP server for tests: GStreamer's gst-rtsp-server serving live test streams.

Mounts: /h264 (640x360), /h265 (320x240), /mjpeg (320x240), all live videotestsrc at --fps (default 15).
Authentication: --auth none | basic | digest with --user and --password (every mount then needs them).
Binds 127.0.0.1 on --port (0 = a free port) and prints "READY <port>" on stdout once it listens.
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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--auth", choices=["none", "basic", "digest"], default="none")
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="")
    parser.add_argument("--fps", type=int, default=15)
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
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
    # Python only runs signal handlers between bytecodes: wake the loop regularly so SIGTERM is seen.
    GLib.timeout_add(200, lambda: True)

    print(f"READY {server.get_bound_port()} {' '.join(served)}", flush=True)
    loop.run()
    os._exit(0)


if __name__ == "__main__":
    main()
