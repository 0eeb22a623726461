// The forgotten-password page: asks for a reset link by email.
import { askForLink } from "./reset-request.js";

askForLink();
