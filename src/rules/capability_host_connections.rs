//! FL305: a project capability host of the standard setup (bring your own storage) that does
//! not name exactly one connection per store.

use crate::engine::Reporter;
use crate::model::{CAPABILITY_HOST_CONNECTION_LISTS, Model};
use crate::settings::Settings;

rule!(
    "FL305",
    "capability-host-connections",
    Error,
    "A project capability host does not name exactly one connection in each of vectorStoreConnections, storageConnections and threadStorageConnections",
    Some(check)
);

fn check(model: &Model, _: &Settings, out: &mut Reporter) {
    for host in model.capability_hosts.iter().filter(|h| h.on_project) {
        // Naming no connection is the basic setup (Microsoft-managed storage); naming any is
        // the standard setup, which needs one in each list. Only a list known to name one tells
        // which setup this is.
        let standard = host
            .connection_lists
            .iter()
            .flatten()
            .any(|l| l.get().is_some_and(|items| !items.is_empty()));
        if !standard {
            continue;
        }
        for (name, list) in CAPABILITY_HOST_CONNECTION_LISTS
            .iter()
            .zip(&host.connection_lists)
        {
            let problem = match list {
                None => Some((host.origin.span, "does not set".to_string())),
                Some(list) => match list.get() {
                    None => {
                        if let Some(u) = list.unknown_reason() {
                            out.unresolved(
                                u,
                                list.span,
                                &format!("`{name}` of `{}`", host.origin.address),
                            );
                        }
                        None
                    }
                    Some(items) if items.len() != 1 => {
                        Some((list.span, format!("names {} connections in", items.len())))
                    }
                    Some(items) => match items[0].get() {
                        Some(c) if c.trim().is_empty() => {
                            Some((items[0].span, "names an empty connection in".to_string()))
                        }
                        _ => None,
                    },
                },
            };
            let Some((span, what)) = problem else {
                continue;
            };
            out.report(
                span,
                format!(
                    "capability host `{}` {what} `{name}`: the service accepts exactly one connection there",
                    host.origin.address
                ),
            )
            .help(format!("set `{name}` to a list with the name of the project's one connection for it (the Cosmos DB connection for thread storage, the Storage connection for files, the AI Search connection for vector stores)"))
            .origin(&host.origin);
        }
    }
}
