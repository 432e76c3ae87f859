import { createOriginApp } from "./app";

export default createOriginApp();
