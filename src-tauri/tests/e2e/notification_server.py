#!/usr/bin/python3
"""A minimal desktop notification server (org.freedesktop.Notifications) on the session
bus, for the desktop GUI tests: it shows nothing and records each notification as one
JSON line {"app", "summary", "body"} in the file given as the first argument. Needs
Debian's python3-gi (system Python).
"""
import json
import sys

from gi.repository import Gio, GLib

INTERFACE = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
  </interface>
</node>
"""

record = sys.argv[1]
shown = 0


def on_call(_connection, _sender, _path, _interface, method, params, invocation):
    global shown
    if method == "Notify":
        app, _replaces, _icon, summary, body, _actions, _hints, _timeout = params.unpack()
        shown += 1
        with open(record, "a") as f:
            f.write(json.dumps({"app": app, "summary": summary, "body": body}) + "\n")
        invocation.return_value(GLib.Variant("(u)", (shown,)))
    elif method == "GetCapabilities":
        invocation.return_value(GLib.Variant("(as)", (["body"],)))
    elif method == "GetServerInformation":
        invocation.return_value(GLib.Variant("(ssss)", ("chatalot-test", "chatalot", "1", "1.2")))
    else:
        invocation.return_value(None)


def on_bus(connection, _name):
    info = Gio.DBusNodeInfo.new_for_xml(INTERFACE).interfaces[0]
    connection.register_object("/org/freedesktop/Notifications", info, on_call, None, None)


def on_lost(_connection, name):
    print(f"notification server: could not own {name}", file=sys.stderr, flush=True)
    loop.quit()


open(record, "w").close()
Gio.bus_own_name(
    Gio.BusType.SESSION,
    "org.freedesktop.Notifications",
    Gio.BusNameOwnerFlags.NONE,
    on_bus,
    lambda _c, name: print(f"notification server: owns {name}", flush=True),
    on_lost,
)
loop = GLib.MainLoop()
loop.run()
