//! Kredivo checkout widget.
