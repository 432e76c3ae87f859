import { originApp } from "./app";

export default originApp;
