package plugin

import "github.com/ably/ably-suite/pkg/protocol"

// Metadata describes a plugin to the dispatcher (see package protocol).
type Metadata = protocol.Metadata

// MetadataCommand is the hidden subcommand every plugin answers with its Metadata.
const MetadataCommand = protocol.MetadataCommand

// SchemaVersion is the metadata protocol version this framework speaks.
const SchemaVersion = protocol.SchemaVersion
