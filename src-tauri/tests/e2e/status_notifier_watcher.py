#!/usr/bin/python3
"""A minimal StatusNotifierWatcher (the freedesktop/KDE tray protocol that Linux tray
icons register with) on the session bus, for the desktop GUI tests: desktop panels
normally provide it; under Xvfb nothing does. It records each registered tray item as
"<bus name> <object path>" lines in the file given as the first argument, so a test
can read the item's menu over D-Bus. Needs Debian's python3-gi (system Python).
"""
import sys

from gi.repository import Gio, GLib

INTERFACE = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
</node>
"""

record = sys.argv[1]
items = []


def on_call(connection, sender, path, interface, method, params, invocation):
    if method == "RegisterStatusNotifierItem":
        (service,) = params.unpack()
        # Items pass either their object path (bus name = the caller) or a bus name.
        name, item_path = (sender, service) if service.startswith("/") else (service, "/StatusNotifierItem")
        items.append(f"{name}{item_path}")
        with open(record, "a") as f:
            f.write(f"{name} {item_path}\n")
        connection.emit_signal(
            None, path, interface, "StatusNotifierItemRegistered", GLib.Variant("(s)", (f"{name}{item_path}",))
        )
    invocation.return_value(None)


def on_get_property(connection, sender, path, interface, name):
    return {
        "RegisteredStatusNotifierItems": GLib.Variant("as", items),
        "IsStatusNotifierHostRegistered": GLib.Variant("b", True),
        "ProtocolVersion": GLib.Variant("i", 0),
    }[name]


def on_bus(connection, _name):
    info = Gio.DBusNodeInfo.new_for_xml(INTERFACE).interfaces[0]
    connection.register_object("/StatusNotifierWatcher", info, on_call, on_get_property, None)


def on_name(_connection, name):
    print(f"status notifier watcher: owns {name}", flush=True)


def on_lost(_connection, name):
    print(f"status notifier watcher: could not own {name}", file=sys.stderr, flush=True)
    loop.quit()


open(record, "w").close()
Gio.bus_own_name(
    Gio.BusType.SESSION, "org.kde.StatusNotifierWatcher", Gio.BusNameOwnerFlags.NONE, on_bus, on_name, on_lost
)
loop = GLib.MainLoop()
loop.run()
