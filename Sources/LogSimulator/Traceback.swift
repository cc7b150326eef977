/// Python tracebacks of nova-api's unexpected exceptions, one string per printed line.
enum Traceback {
    private static let root = "/usr/lib/python3/dist-packages/"

    /// A stack frame: file below dist-packages, line, function, source text.
    private typealias Frame = (file: String, line: Int, function: String, code: String)

    /// The traceback of a request on `route` failing on the database: the injected incident
    /// exhausts the connection pool; the rare healthy-time failure is a dropped connection.
    static func lines(route: APIRoute, poolExhausted: Bool) -> [String] {
        var frames: [Frame] = [("nova/api/openstack/wsgi.py", 658, "wrapped", "return f(*args, **kwargs)")]
        frames += routeFrames(route)
        let exception: String
        if poolExhausted {
            frames += [
                ("oslo_db/sqlalchemy/enginefacade.py", 1064, "_transaction_scope", "with current._produce_block("),
                ("sqlalchemy/engine/base.py", 3293, "raw_connection", "return self.pool.connect()"),
                ("sqlalchemy/pool/base.py", 1120, "_checkout", "fairy = _ConnectionRecord.checkout(pool)"),
                ("sqlalchemy/pool/impl.py", 157, "_do_get", "raise exc.TimeoutError("),
            ]
            exception =
                "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 0 reached, connection timed out, "
                + "timeout 2.00 (Background on this error at: https://sqlalche.me/e/14/3o7r)"
        } else {
            frames += [
                ("oslo_db/sqlalchemy/enginefacade.py", 1064, "_transaction_scope", "with current._produce_block("),
                ("oslo_db/sqlalchemy/exc_filters.py", 489, "handler", "raise exception.DBConnectionError(error)"),
            ]
            exception =
                "oslo_db.exception.DBConnectionError: (pymysql.err.OperationalError) (2013, 'Lost connection to "
                + "MySQL server during query')"
        }
        var out = ["Traceback (most recent call last):"]
        for frame in frames {
            out.append("  File \"\(root)\(frame.file)\", line \(frame.line), in \(frame.function)")
            out.append("    \(frame.code)")
        }
        out.append(exception)
        return out
    }

    private static func routeFrames(_ route: APIRoute) -> [Frame] {
        let servers = "nova/api/openstack/compute/servers.py"
        let getServer: [Frame] = [
            ("nova/api/openstack/common.py", 472, "get_instance", "instance = compute_api.get(context, instance_uuid,"),
            ("nova/compute/api.py", 2876, "get", "instance = objects.Instance.get_by_uuid("),
        ]
        let getAll: Frame = (
            "nova/compute/api.py", 3011, "get_all",
            "insts, down_cell_uuids = instance_list.get_instance_objects_sorted("
        )
        switch route {
        case .serversDetail:
            return [
                (servers, 143, "detail", "servers = self._get_servers(req, is_detail=True)"),
                (servers, 327, "_get_servers", "instance_list = self.compute_api.get_all(elevated or context,"),
                getAll,
            ]
        case .serversIndex:
            return [
                (servers, 132, "index", "servers = self._get_servers(req, is_detail=False)"),
                (servers, 327, "_get_servers", "instance_list = self.compute_api.get_all(elevated or context,"),
                getAll,
            ]
        case .flavorsDetail:
            let flavors = "nova/api/openstack/compute/flavors.py"
            return [
                (flavors, 53, "detail", "limited_flavors = self._get_flavors(req)"),
                (flavors, 104, "_get_flavors", "limited_flavors = objects.FlavorList.get_all(context,"),
                ("nova/objects/flavor.py", 622, "get_all", "api_db_flavors = _flavor_get_all_from_db(context,"),
            ]
        case .serverShow:
            return [(servers, 490, "show", "instance = self._get_server(context, req, id, is_detail=True,")] + getServer
        case .limits:
            return [
                (
                    "nova/api/openstack/compute/limits.py", 70, "index",
                    "quotas = QUOTAS.get_project_quotas(context, project_id,"
                ),
                (
                    "nova/quota.py", 1139, "get_project_quotas",
                    "return self._driver.get_project_quotas(context, project_id,"
                ),
            ]
        case .keypairs:
            return [
                (
                    "nova/api/openstack/compute/keypairs.py", 273, "index",
                    "key_pairs = self.api.get_key_pairs(context, user_id)"
                ),
                ("nova/objects/keypair.py", 216, "get_by_user", "api_db_keypairs = cls._get_from_db("),
            ]
        case .boot:
            return [
                (servers, 786, "create", "(instances, resv_id) = self.compute_api.create("),
                ("nova/compute/api.py", 2128, "create", "return self._create_instance("),
                ("nova/compute/api.py", 1617, "_create_instance", "instances_to_build = self._provision_instances("),
            ]
        case .delete:
            return [
                (servers, 1002, "delete", "self._delete(req.environ['nova.context'], req, id)"),
                (servers, 815, "_delete", "instance = self._get_server(context, req, instance_uuid)"),
            ] + getServer
        case .action:
            return [(servers, 1079, "_action_reboot", "instance = self._get_server(context, req, id)")] + getServer
        }
    }
}
