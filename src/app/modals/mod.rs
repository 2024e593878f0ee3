//! The window's modal questions, one file each. Each is a struct holding
//! what it asks about; its `ui` draws it and returns the user's answer once
//! there is one, as an enum: the app decides what the answer does.

pub mod import_summary;
pub mod path_prompt;
pub mod recommend;
pub mod recover;
pub mod unsaved;
