/// The service-name rules of DESIGN §3 that work on names: a file name, Loghub's leading file
/// token or a syslog/journal wrapper's program becomes a service by dropping the directory, the
/// log, rotation and compression suffixes and devstack's decorations.
///
/// `nova-api.log` → `nova-api`; `nova-api.log.1` → `nova-api`; `nova-api.log.2.gz` → `nova-api`;
/// `nova-api.log-20261127.gz` → `nova-api`; `nova-api.log.1.2017-05-16_13:53:08` (Loghub token)
/// → `nova-api`; `events.jsonl` (or `.json`) → `events`. A name without `.log`/`.jsonl` loses
/// trailing rotation suffixes (`.1`, `.gz`, `-20261127`) and `.txt`.
///
/// Then devstack's and the containers' spellings: `screen-n-cpu.txt`, `devstack@n-cpu.service`
/// and `n-cpu` → `nova-compute` (devstack's short names, `devstackServices`); kolla/TripleO
/// container names `nova_compute` → `nova-compute` (underscores after an OpenStack project's
/// name become hyphens).
public enum ServiceName {
    /// The service a file name (or Loghub token, or wrapper program) stands for.
    public static func derive(fromFileName name: String) -> String {
        String(decoding: derive(Array(name.utf8)[...]), as: UTF8.self)
    }

    /// Byte form of `derive(fromFileName:)`. Allocates only when the name is rewritten
    /// (devstack short names, container names).
    static func derive(_ name: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var base = name
        if let slash = base.lastIndex(of: UInt8(ascii: "/")) { base = base[(slash + 1)...] }
        base = stripFileSuffixes(base)
        return rewrite(base) ?? base
    }

    /// Drops `.log…`/`.jsonl…`, else rotation, compression and `.txt` suffixes.
    static func stripFileSuffixes(_ name: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var base = name
        let dot = UInt8(ascii: ".")
        // Cut at the first `.log` or `.jsonl` that ends the name or is followed by a dot, or by
        // `-` and a digit (logrotate's dateext).
        var i = base.startIndex
        while i < base.endIndex {
            if base[i] == dot {
                for suffix in suffixes {
                    let end = i + suffix.count
                    guard end <= base.endIndex, base[i..<end].elementsEqual(suffix) else { continue }
                    let followed =
                        end == base.endIndex || base[end] == dot
                        || (base[end] == UInt8(ascii: "-") && end + 1 < base.endIndex && isDigit(base[end + 1]))
                    if followed {
                        return i == base.startIndex ? base : base[base.startIndex..<i]
                    }
                }
            }
            i += 1
        }
        // No log suffix: drop rotation and compression suffixes (`.1`, `.gz`, `-20261127`) and
        // `.txt` (Zuul's job logs) from the end.
        while true {
            if let last = base.lastIndex(of: dot), last > base.startIndex {
                let tail = base[(last + 1)...]
                let isRotation =
                    (!tail.isEmpty && tail.allSatisfy(isDigit)) || tail.elementsEqual("gz".utf8)
                    || tail.elementsEqual("txt".utf8)
                if isRotation {
                    base = base[base.startIndex..<last]
                    continue
                }
            }
            if let dash = base.lastIndex(of: UInt8(ascii: "-")), dash > base.startIndex,
                base.endIndex - dash == 9, base[(dash + 1)...].allSatisfy(isDigit)
            {
                base = base[base.startIndex..<dash]
                continue
            }
            return base
        }
    }

    /// devstack's and the containers' spellings of a service, rewritten; nil when there is
    /// nothing to rewrite.
    static func rewrite(_ name: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var base = name
        var changed = false
        // Zuul's `screen-n-cpu.txt` and devstack's unit `devstack@n-cpu.service`.
        if base.starts(with: "screen-".utf8) {
            base = base.dropFirst(7)
            changed = true
        }
        if base.starts(with: "devstack@".utf8) {
            base = base.dropFirst(9)
            if base.count > 8, base.suffix(8).elementsEqual(".service".utf8) { base = base.dropLast(8) }
            changed = true
        }
        guard !base.isEmpty else { return nil }
        if base.count <= 24, let long = devstackServices[String(decoding: base, as: UTF8.self)] {
            return Array(long.utf8)[...]
        }
        // kolla / TripleO containers: `nova_compute`, `neutron_server`, `placement_api`.
        if let underscore = base.firstIndex(of: UInt8(ascii: "_")),
            projects.contains(String(decoding: base[base.startIndex..<underscore], as: UTF8.self))
        {
            return base.map { $0 == UInt8(ascii: "_") ? UInt8(ascii: "-") : $0 }[...]
        }
        return changed ? base : nil
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    private static let suffixes: [[UInt8]] = [Array(".log".utf8), Array(".jsonl".utf8), Array(".json".utf8)]

    /// OpenStack projects whose container names (`nova_compute`) mean `nova-compute`.
    static let projects: Set<String> = [
        "aodh", "barbican", "blazar", "ceilometer", "cinder", "cloudkitty", "designate", "glance", "gnocchi",
        "heat", "horizon", "ironic", "keystone", "magnum", "manila", "masakari", "mistral", "neutron", "nova",
        "octavia", "placement", "senlin", "swift", "tacker", "trove", "watcher", "zaqar", "zun",
    ]

    /// devstack's short service names (its `ENABLED_SERVICES`, Zuul's `screen-<name>.txt` and the
    /// `devstack@<name>.service` units) and the service each one runs.
    public static let devstackServices: [String: String] = [
        // nova
        "n-api": "nova-api", "n-api-meta": "nova-api-metadata", "n-cpu": "nova-compute",
        "n-cond": "nova-conductor", "n-super-cond": "nova-conductor", "n-cond-cell1": "nova-conductor-cell1",
        "n-sch": "nova-scheduler", "n-novnc": "nova-novncproxy", "n-novnc-cell1": "nova-novncproxy",
        "n-xvnc": "nova-xvpvncproxy", "n-spice": "nova-spicehtml5proxy", "n-sproxy": "nova-serialproxy",
        "n-cauth": "nova-consoleauth", "n-net": "nova-network", "n-obj": "nova-objectstore", "n-crt": "nova-cert",
        "n-cell": "nova-cells", "n-cell-region": "nova-cells", "n-cell-child": "nova-cells", "n-vol": "nova-volume",
        // neutron
        "q-svc": "neutron-server", "q-agt": "neutron-l2-agent", "q-dhcp": "neutron-dhcp-agent",
        "q-l3": "neutron-l3-agent", "q-meta": "neutron-metadata-agent", "q-metering": "neutron-metering-agent",
        "q-lbaas": "neutron-lbaas-agent", "q-lbaasv2": "neutron-lbaas-agent", "q-vpn": "neutron-vpn-agent",
        "q-ovn-metadata-agent": "neutron-ovn-metadata-agent", "q-sriov-agt": "neutron-sriov-agent",
        "q-qos": "neutron-qos", "q-trunk": "neutron-trunk",
        // glance, cinder, keystone
        "g-api": "glance-api", "g-reg": "glance-registry",
        "c-api": "cinder-api", "c-vol": "cinder-volume", "c-sch": "cinder-scheduler", "c-bak": "cinder-backup",
        "key": "keystone", "key-access": "keystone-access", "keystone": "keystone",
        // heat, swift, octavia, ironic, manila
        "h-api": "heat-api", "h-api-cfn": "heat-api-cfn", "h-api-cw": "heat-api-cloudwatch", "h-eng": "heat-engine",
        "s-proxy": "swift-proxy-server", "s-object": "swift-object-server", "s-container": "swift-container-server",
        "s-account": "swift-account-server",
        "o-api": "octavia-api", "o-cw": "octavia-worker", "o-hm": "octavia-health-manager",
        "o-hk": "octavia-housekeeping", "o-da": "octavia-driver-agent",
        "ir-api": "ironic-api", "ir-cond": "ironic-conductor", "ir-neutronagt": "ironic-neutron-agent",
        "m-api": "manila-api", "m-shr": "manila-share", "m-sch": "manila-scheduler", "m-dat": "manila-data",
    ]
}
