//! The lab's keys as commands. Pure, so it tests natively; which keys
//! belong to the focused control instead is decided in `hooks.rs`.

use crate::controller::Command;

/// The command for a key every lab shares, pressed outside a text field.
/// `command` is Ctrl on Linux and Windows, Cmd on a Mac.
pub fn shared_command_for_key(key: &str, command: bool, shift: bool) -> Option<Command> {
    if command {
        return match key {
            "z" | "Z" if !shift => Some(Command::Undo),
            _ => None,
        };
    }
    Some(match key {
        " " => Command::TogglePlay,
        "ArrowRight" => Command::StepForward,
        "ArrowLeft" => Command::StepBack,
        "x" | "X" => Command::CrashOrRestartSelected,
        "p" | "P" => Command::PauseOrResumeSelected,
        "Home" => Command::SeekStart,
        "End" => Command::SeekEnd,
        "Escape" => Command::Escape,
        _ => return None,
    })
}

/// The Raft labs' keys: the shared ones, and RaftScope's T, R and A.
pub fn command_for_key(key: &str, command: bool, shift: bool) -> Option<Command> {
    if command {
        return shared_command_for_key(key, command, shift);
    }
    match key {
        "t" | "T" => Some(Command::TimeoutSelected),
        "r" | "R" => Some(Command::RestartRole("leader")),
        "a" | "A" => Some(Command::AlignTimers),
        _ => shared_command_for_key(key, command, shift),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn space_is_play_pause_and_ctrl_z_is_undo() {
        assert_eq!(
            command_for_key(" ", false, false),
            Some(Command::TogglePlay)
        );
        assert_eq!(command_for_key("z", true, false), Some(Command::Undo));
        assert_eq!(
            command_for_key("x", false, false),
            Some(Command::CrashOrRestartSelected)
        );
        assert_eq!(command_for_key("z", false, false), None);
        assert_eq!(
            command_for_key("a", true, false),
            None,
            "Ctrl+A stays the browser's"
        );
        assert_eq!(
            command_for_key("Enter", false, false),
            None,
            "Enter stays the button's"
        );
    }
}
